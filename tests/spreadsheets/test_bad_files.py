"""A file with any bad row imports nothing, and says which rows and columns are wrong."""

import pytest

from escalations.governance.admin.matrix_sheet import MatrixCellResource
from escalations.governance.admin.raci_sheet import RaciResource
from escalations.governance.models import EscalationMatrixCell
from escalations.rules.admin.sheets import RuleResource
from escalations.rules.models import Rule
from escalations.sla.admin.sheets import SlaPolicyResource
from escalations.spreadsheets.formats import SheetCSV
from tests.helpers.spreadsheets import (
    edited_csv,
    errors_of,
    export_file,
    import_file,
    set_cell,
    snapshot,
)


def test_a_bad_row_among_good_ones_imports_nothing_and_names_row_and_column(workspaces):
    before = snapshot()

    def edit(rows):
        set_cell(rows, 1, "Contact", "Changed, and would be saved if the file were good")
        set_cell(rows, 3, "Level", "L9")
        set_cell(rows, 3, "Respond within (minutes)", "soon")

    result = import_file(MatrixCellResource, edited_csv(MatrixCellResource, edit), SheetCSV)
    problems = errors_of(result)
    assert any(p.startswith("row 4, Respond within (minutes):") for p in problems), problems
    assert any(p.startswith("row 4") and "L9" in p for p in problems), problems
    assert not any(p.startswith("row 2") for p in problems)
    assert snapshot() == before
    assert not EscalationMatrixCell.objects.filter(contact__startswith="Changed").exists()


def test_an_unknown_workspace_or_matrix_is_named(workspaces):
    def edit(rows):
        set_cell(rows, 1, "Workspace", "no-such-workspace")
        set_cell(rows, 2, "Matrix", "No such matrix")

    problems = errors_of(
        import_file(MatrixCellResource, edited_csv(MatrixCellResource, edit), SheetCSV)
    )
    assert "row 2, Matrix: There is no workspace 'no-such-workspace'." in problems
    assert any(
        p.startswith("row 3, Matrix: There is no matrix 'No such matrix'") for p in problems
    ), problems


def test_a_raci_activity_left_with_two_accountables_imports_nothing(workspaces):
    before = snapshot()
    first_r = {}

    def edit(rows):
        letters = rows[0].index("Letters")
        activity = rows[0].index("Activity")
        for number, row in enumerate(rows[1:], start=1):
            if row[letters] == "R" and not first_r:
                first_r.update(number=number, activity=row[activity])
                row[letters] = "A"

    result = import_file(RaciResource, edited_csv(RaciResource, edit), SheetCSV)
    problems = errors_of(result)
    assert len(problems) == 1, problems
    assert f"Line {first_r['number'] + 1}" in problems[0] or "Lines" in problems[0]
    assert "exactly one role must be Accountable (A); 2 are" in problems[0]
    assert snapshot() == before


def test_raci_letters_other_than_r_a_c_i_are_refused(workspaces):
    def edit(rows):
        set_cell(rows, 1, "Letters", "RX")

    problems = errors_of(import_file(RaciResource, edited_csv(RaciResource, edit), SheetCSV))
    assert problems == ["row 2, Letters: 'RX': use R, A, C and I (each at most once), e.g. RA."]


def test_a_rule_whose_condition_does_not_compile_is_refused_by_column(workspaces):
    def edit(rows):
        set_cell(rows, 1, "Condition (CEL)", "ticket.priority >")
        set_cell(rows, 2, "Actions", "[not json")

    problems = errors_of(import_file(RuleResource, edited_csv(RuleResource, edit), SheetCSV))
    assert any(p.startswith("row 2, Condition (CEL): Condition:") for p in problems), problems
    assert any(p.startswith("row 3, Actions: Not JSON:") for p in problems), problems
    assert not Rule.objects.filter(condition_cel="ticket.priority >").exists()


def test_sla_targets_must_be_minutes(workspaces):
    def edit(rows):
        set_cell(rows, 1, "Urgent: resolution (min)", "-5")
        set_cell(rows, 1, "Pause custom statuses", "not-a-status")

    problems = errors_of(
        import_file(SlaPolicyResource, edited_csv(SlaPolicyResource, edit), SheetCSV)
    )
    assert (
        "row 2, Urgent: resolution (min): Give a number of minutes, 0 or more; not '-5'."
        in problems
    )
    assert "row 2, Pause custom statuses: No custom status not-a-status here." in problems


def test_a_dry_run_reports_the_changes_and_saves_none(workspaces):
    def edit(rows):
        set_cell(rows, 1, "Contact", "Dry-run contact")

    result = import_file(
        MatrixCellResource, edited_csv(MatrixCellResource, edit), SheetCSV, dry_run=True
    )
    assert errors_of(result) == []
    assert result.totals["update"] == 1
    assert result.totals["skip"] == len(result.rows) - 1
    assert not EscalationMatrixCell.objects.filter(contact="Dry-run contact").exists()


@pytest.mark.parametrize("value", ["=1+1", '=HYPERLINK("http://x")'])
def test_text_that_looks_like_a_formula_stays_text(workspaces, value):
    from escalations.spreadsheets.formats import SheetXLSX

    cell = EscalationMatrixCell.objects.first()
    cell.contact = value
    cell.save()
    data = export_file(MatrixCellResource, SheetXLSX)
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    found = [c for row in sheet.iter_rows() for c in row if c.value == value]
    assert found and all(c.data_type == "s" for c in found)
    EscalationMatrixCell.objects.filter(pk=cell.pk).update(contact="x")
    assert errors_of(import_file(MatrixCellResource, data, SheetXLSX)) == []
    cell.refresh_from_db()
    assert cell.contact == value


def test_yes_and_no_are_read_in_any_spelling_and_anything_else_is_an_error(workspaces):
    from escalations.sla.models import SlaPolicy

    def edit(rows):
        set_cell(rows, 1, "Active", "No")
        set_cell(rows, 2, "Active", "maybe")

    first = SlaPolicy.objects.order_by("workspace__slug", "position", "id").first()
    problems = errors_of(
        import_file(SlaPolicyResource, edited_csv(SlaPolicyResource, edit), SheetCSV)
    )
    assert problems == ["row 3, Active: Write yes or no, not 'maybe'."]
    first.refresh_from_db()
    assert first.is_active  # nothing saved

    def fixed(rows):
        set_cell(rows, 1, "Active", " NO ")

    assert (
        errors_of(import_file(SlaPolicyResource, edited_csv(SlaPolicyResource, fixed), SheetCSV))
        == []
    )
    first.refresh_from_db()
    assert not first.is_active


def test_a_row_repeating_another_rows_key_is_refused(workspaces):
    def edit(rows):
        rows.append(list(rows[1]))
        set_cell(rows, len(rows) - 1, "Contact", "Someone else")

    result = import_file(MatrixCellResource, edited_csv(MatrixCellResource, edit), SheetCSV)
    problems = errors_of(result)
    assert len(problems) == 1
    assert problems[0].endswith(
        "repeats line 2: the same Matrix, Level, Severity. Keep one of them."
    )


def test_the_default_sla_policy_moves_whichever_row_comes_first(workspaces):
    from escalations.sla.models import SlaPolicy

    workspace = SlaPolicy.objects.filter(is_default=True).first().workspace
    old = SlaPolicy.objects.get(workspace=workspace, is_default=True)
    new = SlaPolicy.objects.filter(workspace=workspace, is_default=False).first()

    def edit(rows):
        name, default = rows[0].index("Name"), rows[0].index("Default")
        for row in rows[1:]:
            if row[rows[0].index("Workspace")] == workspace.slug:
                row[default] = "yes" if row[name] == new.name else "no"
        rows[1:] = sorted(rows[1:], key=lambda row: row[name] != new.name)

    assert (
        errors_of(import_file(SlaPolicyResource, edited_csv(SlaPolicyResource, edit), SheetCSV))
        == []
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)


def test_files_as_spreadsheet_programs_save_them_are_read(workspaces):
    before = snapshot()
    text = export_file(MatrixCellResource, SheetCSV)
    semicolons = "\n".join(
        ";".join(cell.strip('"') for cell in line.split(",")) for line in text.splitlines()
    )
    headers, rest = semicolons.split("\n", 1)
    messy = "Escalation matrix export\n\n" + headers.upper() + "\n" + rest + "\n;;;;\n"
    data = messy.encode("cp1252")
    assert errors_of(import_file(MatrixCellResource, data, SheetCSV)) == []
    assert snapshot() == before
