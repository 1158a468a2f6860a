import pytest
from openpyxl import load_workbook

from escalations.governance.models import EscalationMatrixCell
from escalations.spreadsheets.formats import SheetXLSX
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.services import catalog_load
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MATRICES = "/admin/escalations/escalationmatrix"


def exported_in_browser(page, demo, tmp_path):
    """A workspace with the template's matrix; the manager exports it from the admin."""
    catalog_load()
    template = WorkflowTemplate.objects.get(slug="incident-escalation-matrix")
    workspace = template_instantiate(template=template, name="Operations")
    log_in(page, demo)
    # That workspace's matrix only (the demo's support workspace has one of its own).
    page.goto(f"{demo}{MATRICES}/export/?workspace__id__exact={workspace.pk}")
    page.select_option("#id_format", label="xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    exported = tmp_path / "matrix.xlsx"
    download.value.save_as(exported)
    return exported


def edit_and_upload(page, demo, exported, column: str, offset: int, value: str):
    """Change one cell under a column's header in a spreadsheet program's way, and upload."""
    book = load_workbook(exported)
    sheet = book.worksheets[0]
    header = next(c for row in sheet.iter_rows() for c in row if c.value == column)
    sheet.cell(row=header.row + offset, column=header.column).value = value
    edited = exported.with_name("edited.xlsx")
    book.save(edited)
    page.goto(f"{demo}{MATRICES}/import/")
    page.set_input_files("#id_import_file", str(edited))
    page.select_option("#id_format", label="xlsx")
    page.get_by_role("button", name="Submit").click()


def test_a_manager_exports_the_matrix_edits_it_and_imports_it_back(
    page, demo, screenshot, tmp_path
):
    exported = exported_in_browser(page, demo, tmp_path)
    assert SheetXLSX().create_dataset(exported.read_bytes()).height == 16

    edit_and_upload(page, demo, exported, "Contact", 1, "Duty manager (new rota)")
    page.get_by_text("Duty manager (new rota)").first.wait_for()
    assert not EscalationMatrixCell.objects.filter(contact="Duty manager (new rota)").exists()
    screenshot(page, "spreadsheet-import-dry-run", full_page=True)

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(f"{demo}{MATRICES}/")
    assert EscalationMatrixCell.objects.filter(contact="Duty manager (new rota)").count() == 1


def test_a_file_with_a_bad_row_shows_its_errors_and_cannot_be_confirmed(page, demo, tmp_path):
    exported = exported_in_browser(page, demo, tmp_path)
    edit_and_upload(page, demo, exported, "Level", 2, "L9")
    page.get_by_text("'L9' is not a level of the matrix").wait_for()
    assert page.get_by_role("button", name="Confirm import").count() == 0
