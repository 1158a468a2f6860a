"""Spreadsheets in the admin: export and import buttons on the configuration pages, guarded by
the import and export permissions; an import is shown as a dry run first and a bad file can't
be confirmed."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from escalations.governance.admin.matrix_sheet import MatrixCellResource
from escalations.governance.models import EscalationMatrix, EscalationMatrixCell
from escalations.spreadsheets.formats import SheetXLSX
from tests.helpers.spreadsheets import edited_csv, export_file, set_cell

MATRIX = "/admin/escalations/escalationmatrix"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def matrix_workspace(db):
    from templates_catalog.instantiate import template_instantiate
    from templates_catalog.models import WorkflowTemplate

    return template_instantiate(
        template=WorkflowTemplate.objects.get(slug="incident-escalation-matrix"), name="Ops"
    )


def export_post(client):
    return client.post(f"{MATRIX}/export/", {"format": "0", "resource": "0"})


def upload(client, data: bytes, name: str = "matrix.xlsx", file_format: str = "0"):
    return client.post(
        f"{MATRIX}/import/",
        {
            "format": file_format,
            "resource": "0",
            "import_file": SimpleUploadedFile(name, data),
        },
    )


def test_a_read_only_user_exports_the_matrix_as_xlsx(client, read_only_user, matrix_workspace):
    client.force_login(read_only_user)
    assert client.get(f"{MATRIX}/export/").status_code == 200
    response = export_post(client)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    dataset = SheetXLSX().create_dataset(response.content)
    assert dataset.height == EscalationMatrixCell.objects.count() == 16
    assert dataset.headers[:4] == ["Workspace", "Matrix", "Level", "Severity"]


def test_without_the_export_permission_there_is_no_export(client, agent_user, matrix_workspace):
    client.force_login(agent_user)
    assert client.get(f"{MATRIX}/").status_code == 200  # agents may read the matrix
    assert export_post(client).status_code == 403


def test_a_read_only_user_may_not_import(client, read_only_user, matrix_workspace):
    client.force_login(read_only_user)
    assert client.get(f"{MATRIX}/import/").status_code == 403
    assert upload(client, export_file(MatrixCellResource)).status_code == 403
    assert client.post(f"{MATRIX}/process_import/", {}).status_code == 403


def test_an_import_is_shown_as_a_dry_run_then_saved_on_confirm(
    client, manager_user, matrix_workspace
):
    client.force_login(manager_user)

    def edit(rows):
        set_cell(rows, 1, "Contact", "Duty manager, new number")

    data = edited_csv(MatrixCellResource, edit).encode()
    page = upload(client, data, "matrix.csv", file_format="1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Duty manager, new number" in html
    assert "Update" in html and "Skip" in html
    assert not EscalationMatrixCell.objects.filter(contact__startswith="Duty manager").exists()
    confirm = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format", "resource")
    }
    done = client.post(f"{MATRIX}/process_import/", confirm)
    assert done.status_code == 302
    assert EscalationMatrixCell.objects.filter(contact="Duty manager, new number").count() == 1


def test_a_bad_file_in_the_admin_shows_its_errors_and_cannot_be_confirmed(
    client, manager_user, matrix_workspace
):
    client.force_login(manager_user)

    def edit(rows):
        set_cell(rows, 1, "Contact", "Would be saved")
        set_cell(rows, 2, "Severity", "SEV9")

    page = upload(client, edited_csv(MatrixCellResource, edit).encode(), "m.csv", "1")
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert "'SEV9' is not a severity of the matrix" in html
    assert "Severity" in html
    assert 'name="import_file_name"' not in html  # no confirm form
    assert not EscalationMatrixCell.objects.filter(contact="Would be saved").exists()
    assert EscalationMatrix.objects.count() == 1


SPREADSHEET_LISTS = [
    "escalationmatrix",
    "racimatrix",
    "slapolicy",
    "escalationladder",
    "communicationplan",
    "rule",
]


@pytest.mark.parametrize("model", SPREADSHEET_LISTS)
def test_every_spreadsheet_list_has_an_export_button_for_who_may_export(
    client, manager_user, agent_user, model
):
    export_link = f'href="/admin/escalations/{model}/export/'
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/{model}/")
    assert page.status_code == 200
    assert export_link in page.content.decode()
    assert 'href="/admin/escalations/' + model + '/import/"' in page.content.decode()

    client.force_login(agent_user)
    page = client.get(f"/admin/escalations/{model}/")
    if page.status_code == 200:
        assert export_link not in page.content.decode()


def form_errors(page) -> str:
    return unescape(page.content.decode())


def test_a_file_that_is_not_xlsx_is_named_so(client, manager_user, matrix_workspace):
    client.force_login(manager_user)
    page = upload(client, b"Workspace,Matrix\nops,Main\n", "matrix.xlsx")
    html = form_errors(page)
    assert page.status_code == 200
    assert "This file is not an XLSX workbook" in html
    assert "BadZipFile" not in html


def test_a_workbook_uploaded_as_csv_is_named_so(client, manager_user, matrix_workspace):
    client.force_login(manager_user)
    page = upload(client, export_file(MatrixCellResource), "matrix.csv", file_format="1")
    html = form_errors(page)
    assert page.status_code == 200
    assert "This file is not a CSV file" in html
    assert "encountered" not in html


def test_a_csv_saved_in_windows_1252_is_read_in_the_admin(client, manager_user, matrix_workspace):
    client.force_login(manager_user)

    def edit(rows):
        set_cell(rows, 1, "Contact", "Bereitschaft, Büro")

    data = edited_csv(MatrixCellResource, edit).encode("cp1252")
    page = upload(client, data, "matrix.csv", file_format="1")
    html = form_errors(page)
    assert "encountered" not in html
    assert "Büro" in html
    confirm = {
        name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format", "resource")
    }
    assert client.post(f"{MATRIX}/process_import/", confirm).status_code == 302
    assert EscalationMatrixCell.objects.filter(contact="Bereitschaft, Büro").count() == 1


def test_the_dry_run_names_columns_the_sheet_does_not_know(client, manager_user, matrix_workspace):
    client.force_login(manager_user)

    def edit(rows):
        rows[0] += ["Notes", "Escalate to"]
        for row in rows[1:]:
            row += ["call first", "nobody"]

    page = upload(client, edited_csv(MatrixCellResource, edit).encode(), "m.csv", "1")
    html = unescape(page.content.decode())
    assert "The columns “Notes”, “Escalate to” are not this sheet's; they are ignored." in html
    assert 'name="import_file_name"' in html  # the known columns may still be imported


def test_a_dry_run_with_only_known_columns_warns_of_none(client, manager_user, matrix_workspace):
    client.force_login(manager_user)
    page = upload(client, export_file(MatrixCellResource))
    assert page.status_code == 200
    assert "ignored" not in unescape(page.content.decode())
