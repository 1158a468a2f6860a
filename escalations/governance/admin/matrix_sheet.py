"""The escalation matrix as a sheet: one row per cell (level and severity → who, how, how fast),
filled in its priority's colour, and the grid drawn as people read it."""

from escalations.governance.models import EscalationMatrix, EscalationMatrixCell, Highlight
from escalations.spreadsheets.base import (
    Choice,
    Lookup,
    Minutes,
    SheetResource,
    column,
    in_workspace,
    text,
)
from escalations.spreadsheets.formats import Grid, SheetLayout
from escalations.tickets.models import Team

HIGHLIGHT_FILLS = {
    Highlight.CRITICAL.label: "FCA5A5",
    Highlight.HIGH.label: "FDBA74",
    Highlight.MEDIUM.label: "FDE68A",
    Highlight.LOW.label: "BBF7D0",
}


def matrix_grids(dataset) -> list[Grid]:
    """One grid per matrix: levels down, severities across, each cell its contact, channel and
    response time in its priority's colour."""
    grids: dict[tuple, dict] = {}
    for row in dataset.dict:
        key = (text(row["Workspace"]), text(row["Matrix"]))
        grid = grids.setdefault(key, {"levels": [], "severities": [], "cells": {}})
        level, severity = text(row["Level"]), text(row["Severity"])
        if level not in grid["levels"]:
            grid["levels"].append(level)
        if severity not in grid["severities"]:
            grid["severities"].append(severity)
        how = " · ".join(
            part
            for part in (
                text(row["Channel"]),
                f"within {text(row['Respond within (minutes)'])} min",
            )
            if part
        )
        grid["cells"][level, severity] = (
            f"{text(row['Contact'])}\n{how}",
            HIGHLIGHT_FILLS.get(text(row["Highlight"]), ""),
        )
    return [
        Grid(
            title=f"{title} ({workspace})",
            headings=["Level", *grid["severities"]],
            rows=[
                [
                    (level, ""),
                    *(grid["cells"].get((level, s), ("", "")) for s in grid["severities"]),
                ]
                for level in grid["levels"]
            ],
            legend=list(HIGHLIGHT_FILLS.items()),
        )
        for (workspace, title), grid in grids.items()
    ]


class MatrixCellResource(SheetResource):
    layout = SheetLayout(
        title="Escalation matrix",
        heading="Escalation matrix: who is contacted at each level, for each severity",
        notes=[
            "Edit the rows below and import the file back. Levels and severities must be the "
            "matrix's own; the Grid sheet is drawn from these rows.",
        ],
        row_fill=lambda row: HIGHLIGHT_FILLS.get(text(row.get("Highlight")), ""),
        grids=matrix_grids,
        grid_title="Grid",
    )
    parents = {EscalationMatrix: "matrix__in"}

    workspace = column("matrix__workspace__slug", "Workspace", readonly=True)
    matrix = column("matrix", "Matrix", Lookup(EscalationMatrix, "matrix", in_workspace, "title"))
    level = column("level", "Level")
    severity = column("severity", "Severity")
    contact = column("contact", "Contact")
    team = column("team", "Team", Lookup(Team, "team", in_workspace, "slug", optional=True))
    channel = column("channel", "Channel")
    respond = column("respond_within_minutes", "Respond within (minutes)", Minutes())
    highlight = column("highlight", "Highlight", Choice(Highlight.choices, optional=True))

    class Meta(SheetResource.Meta):
        model = EscalationMatrixCell
        name = "Escalation matrix cells"
        fields = (
            "workspace",
            "matrix",
            "level",
            "severity",
            "contact",
            "team",
            "channel",
            "respond",
            "highlight",
            "remove",
        )
        import_id_fields = ("matrix", "level", "severity")

    def get_queryset(self):
        return EscalationMatrixCell.objects.select_related("matrix__workspace", "team").order_by(
            "matrix__workspace__slug", "matrix__title", "id"
        )
