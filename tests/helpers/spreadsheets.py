"""Spreadsheets in tests: each resource, files exported and imported through it, the problems an
import reports, the configuration the sheets carry, and a CSV export edited by hand."""

from escalations.governance.admin.matrix_sheet import MatrixCellResource
from escalations.governance.admin.raci_sheet import RaciResource
from escalations.governance.models import EscalationMatrixCell, RaciAssignment
from escalations.incidents.admin.contact_sheet import ContactResource
from escalations.incidents.models import PlanContact
from escalations.rules.admin.sheets import RuleResource
from escalations.rules.models import Rule
from escalations.sla.admin.sheets import LadderResource, SlaPolicyResource
from escalations.sla.models import LadderLevel, SlaPolicy
from escalations.spreadsheets.formats import SheetCSV, SheetXLSX

RESOURCES = [
    MatrixCellResource,
    RaciResource,
    SlaPolicyResource,
    LadderResource,
    ContactResource,
    RuleResource,
]


def export_file(resource_class, file_format=SheetXLSX, queryset=None):
    dataset = resource_class().export(queryset=queryset)
    return file_format().export_data(dataset)


def import_file(resource_class, data, file_format=SheetXLSX, dry_run=False):
    if isinstance(data, str):
        data = data.encode()
    dataset = file_format().create_dataset(data)
    return resource_class().import_data(dataset, dry_run=dry_run)


def errors_of(result) -> list[str]:
    """Every problem of an import, one line each: 'row 3, Level: …'."""
    lines = [f"file: {error.error}" for error in result.base_errors]
    for number, errors in result.row_errors():
        lines += [f"row {number}: {error.error}" for error in errors]
    for row in result.invalid_rows:
        for field, messages in row.error_dict.items():
            lines += [f"row {row.number}, {field}: {message}" for message in messages]
    return lines


def snapshot() -> dict:
    """The configuration the sheets carry, without database ids."""
    return {
        "cells": sorted(
            EscalationMatrixCell.objects.values_list(
                "matrix__title",
                "level",
                "severity",
                "contact",
                "team__slug",
                "channel",
                "respond_within_minutes",
                "highlight",
            )
        ),
        "raci": sorted(
            RaciAssignment.objects.values_list(
                "activity__matrix__name", "activity__name", "role__name", "letters"
            )
        ),
        "policies": sorted(
            (
                p.workspace.slug,
                p.name,
                p.position,
                p.is_active,
                p.is_default,
                tuple(p.match_topics),
                tuple(p.match_customer_tiers),
                tuple(p.match_channels),
                p.business_hours,
                p.calendar_id,
                p.warning_percent,
                tuple(p.pause_statuses),
                tuple(sorted(s.slug for s in p.pause_custom_statuses.all())),
                p.ladder.name if p.ladder else None,
                tuple(
                    sorted(
                        (
                            t.priority,
                            t.first_response_minutes,
                            t.next_response_minutes,
                            t.resolution_minutes,
                        )
                        for t in p.targets.all()
                    )
                ),
            )
            for p in SlaPolicy.objects.all()
        ),
        "levels": sorted(
            (
                level.ladder.workspace.slug,
                level.ladder.name,
                level.position,
                level.name,
                level.after_minutes,
                level.climb_when,
                level.to_team.slug if level.to_team else None,
                level.to_agent_id,
                level.to_tier,
                level.raise_priority,
                tuple(level.notify),
            )
            for level in LadderLevel.objects.select_related("ladder__workspace", "to_team")
        ),
        "contacts": sorted(
            PlanContact.objects.values_list(
                "plan__workspace__slug",
                "plan__title",
                "position",
                "name",
                "role",
                "team__slug",
                "channel",
                "address",
            )
        ),
        "rules": sorted(
            (
                r.rule_set.workspace.slug,
                r.rule_set.name,
                r.name,
                r.position,
                r.is_active,
                tuple(r.triggers),
                r.wait_minutes,
                repr(r.condition),
                r.condition_cel,
                repr(r.actions),
                r.script,
                r.stop_processing,
                r.description,
            )
            for r in Rule.objects.select_related("rule_set__workspace")
        ),
    }


def edited_csv(resource, edit) -> str:
    """The resource's CSV export with edit(rows) applied to its rows (lists of strings)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(export_file(resource, SheetCSV))))
    edit(rows)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def set_cell(rows, number: int, column: str, value: str) -> None:
    rows[number][rows[0].index(column)] = value
