"""Export → import gives back the configuration exactly, in XLSX and in CSV."""

import pytest

from escalations.governance.models import EscalationMatrixCell, RaciAssignment
from escalations.incidents.models import PlanContact
from escalations.rules.models import Rule
from escalations.sla.models import LadderLevel, SlaTarget
from escalations.spreadsheets.formats import SheetCSV, SheetXLSX
from tests.helpers.spreadsheets import RESOURCES, errors_of, export_file, import_file, snapshot


def scramble() -> None:
    """Change every kind of row the sheets carry, so the import has work to do."""
    EscalationMatrixCell.objects.update(contact="someone else", respond_within_minutes=999)
    RaciAssignment.objects.filter(letters="I").delete()
    SlaTarget.objects.update(resolution_minutes=1)
    LadderLevel.objects.update(after_minutes=7, notify=[])
    PlanContact.objects.update(address="nowhere")
    Rule.objects.update(is_active=False, description="changed")


@pytest.mark.parametrize("file_format", [SheetXLSX, SheetCSV], ids=["xlsx", "csv"])
def test_export_then_import_restores_every_sheet_exactly(workspaces, file_format):
    before = snapshot()
    assert all(before.values()), "each sheet has rows from the templates"
    files = {resource: export_file(resource, file_format) for resource in RESOURCES}
    scramble()
    assert snapshot() != before
    for resource, data in files.items():
        result = import_file(resource, data, file_format)
        assert errors_of(result) == [], resource.__name__
    assert snapshot() == before


def test_importing_an_unchanged_export_changes_nothing(workspaces):
    before = snapshot()
    for resource in RESOURCES:
        result = import_file(resource, export_file(resource))
        assert errors_of(result) == []
        assert result.totals["new"] == result.totals["update"] == result.totals["delete"] == 0
        assert result.totals["skip"] > 0
    assert snapshot() == before
