"""The RACI table as a sheet: one row per activity and role with its letters, and the grid
(activities down, roles across) drawn as people read it. An activity or role named for the
first time is added; blank letters remove a cell. After the import every activity it touched
must still have exactly one Accountable and someone Responsible, or nothing is saved."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.text import capfirst
from import_export import widgets

from escalations.governance.models import RaciActivity, RaciAssignment, RaciMatrix, RaciRole
from escalations.governance.services.raci import activity_problems, letters_clean
from escalations.spreadsheets.base import (
    REMOVE_COLUMN,
    YES,
    Lookup,
    SheetResource,
    column,
    in_workspace,
    text,
)
from escalations.spreadsheets.formats import Grid, SheetLayout

LETTER_FILLS = {"A": "FDBA74", "R": "BFDBFE"}


def _matrix_of(row: dict) -> dict:
    matrix = Lookup(RaciMatrix, "RACI matrix", in_workspace).clean(row.get("Matrix"), row)
    return {"matrix": matrix}


def _add(model):
    def create(name: str, scope: dict):
        matrix = scope["matrix"]
        last = model.objects.filter(matrix=matrix).aggregate(n=Max("position"))["n"] or 0
        item = model(matrix=matrix, name=name, position=last + 1)
        item.full_clean()
        item.save()
        return item

    return create


class Letters(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if not text(value):
            return ""
        try:
            return letters_clean(text(value))
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


def raci_grids(dataset) -> list[Grid]:
    grids: dict[tuple, dict] = {}
    for row in dataset.dict:
        key = (text(row["Workspace"]), text(row["Matrix"]))
        grid = grids.setdefault(key, {"activities": [], "roles": [], "cells": {}})
        activity, role = text(row["Activity"]), text(row["Role"])
        if activity not in grid["activities"]:
            grid["activities"].append(activity)
        if role not in grid["roles"]:
            grid["roles"].append(role)
        grid["cells"][activity, role] = text(row["Letters"])

    def cell(letters: str) -> tuple[str, str]:
        return letters, next((LETTER_FILLS[c] for c in "AR" if c in letters), "")

    return [
        Grid(
            title=f"{name} ({workspace})",
            headings=["Activity", *grid["roles"]],
            rows=[
                [
                    (activity, ""),
                    *(cell(grid["cells"].get((activity, r), "")) for r in grid["roles"]),
                ]
                for activity in grid["activities"]
            ],
            legend=[
                ("A Accountable (one per activity)", LETTER_FILLS["A"]),
                ("R Responsible", LETTER_FILLS["R"]),
                ("C Consulted", ""),
                ("I Informed", ""),
            ],
        )
        for (workspace, name), grid in grids.items()
    ]


class RaciResource(SheetResource):
    layout = SheetLayout(
        title="RACI",
        heading="RACI: who is Responsible, Accountable, Consulted and Informed",
        notes=[
            "One row per activity and role. Letters: R, A, C, I or a mix such as RA; leave them "
            "blank to remove the cell. Each activity needs exactly one A and at least one R.",
        ],
        row_fill=lambda row: next(
            (LETTER_FILLS[c] for c in "AR" if c in text(row.get("Letters"))), ""
        ),
        grids=raci_grids,
        grid_title="Table",
    )
    parents = {RaciMatrix: "activity__matrix__in"}

    workspace = column("activity__matrix__workspace__slug", "Workspace", readonly=True)
    matrix = column("activity__matrix__name", "Matrix", readonly=True)
    activity = column(
        "activity",
        "Activity",
        Lookup(RaciActivity, "activity", _matrix_of, create=_add(RaciActivity)),
    )
    role = column("role", "Role", Lookup(RaciRole, "role", _matrix_of, create=_add(RaciRole)))
    letters = column("letters", "Letters", Letters())

    class Meta(SheetResource.Meta):
        model = RaciAssignment
        name = "RACI assignments"
        fields = ("workspace", "matrix", "activity", "role", "letters", "remove")
        import_id_fields = ("activity", "role")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.touched: dict[int, list[int]] = {}  # activity id → row numbers

    def get_queryset(self):
        return RaciAssignment.objects.select_related(
            "activity__matrix__workspace", "role"
        ).order_by(
            "activity__matrix__workspace__slug",
            "activity__matrix__name",
            "activity__position",
            "activity__name",
            "role__position",
            "role__name",
        )

    def for_delete(self, row, instance):
        return not text(row.get("Letters")) or text(row.get(REMOVE_COLUMN)).lower() in YES

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            self.touched.setdefault(instance.activity_id, []).append(kwargs.get("row_number"))

    def after_save_instance(self, instance, row, **kwargs):
        self.touched.setdefault(instance.activity_id, []).append(kwargs.get("row_number"))

    def after_import(self, dataset, result, **kwargs):
        """Every activity the file touched, as it now stands, must keep the RACI rules."""
        for activity_id, numbers in self.touched.items():
            activity = RaciActivity.objects.filter(pk=activity_id).first()
            if activity is None:
                continue
            letters = list(activity.assignments.values_list("letters", flat=True))
            problems = activity_problems(activity.name, letters)
            if problems:
                rows = sorted({n for n in numbers if n})
                message = f"{capfirst(self.rows_named(rows))}: " + " ".join(problems)
                values = dict(zip(dataset.headers, dataset[rows[0] - 1], strict=True))
                result.append_invalid_row(rows[0], values, ValidationError({"Letters": [message]}))
