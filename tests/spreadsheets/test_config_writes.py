"""A confirmed spreadsheet import is a configuration write, as the admin's and the catalog's are:
one transaction, a new configuration token, each changed row's version in its history. A
preview writes nothing, the token included."""

import pytest

from escalations.core.models import ConfigRevision
from escalations.sla.admin.sheets import SlaPolicyResource
from escalations.sla.models import SlaPolicy
from escalations.spreadsheets.formats import SheetCSV
from tests.helpers.spreadsheets import (
    RESOURCES,
    edited_csv,
    errors_of,
    export_file,
    import_file,
    set_cell,
)


def _token() -> str:
    return ConfigRevision.objects.get(pk=1).token


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__name__)
def test_a_confirmed_import_gives_a_new_configuration_token(workspaces, resource):
    data = export_file(resource)
    before = _token()
    result = import_file(resource, data)
    assert errors_of(result) == []
    assert _token() != before


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__name__)
def test_a_preview_leaves_the_configuration_token_as_it_was(workspaces, resource):
    data = export_file(resource)
    before = _token()
    result = import_file(resource, data, dry_run=True)
    assert errors_of(result) == []
    assert _token() == before


def test_a_new_default_policy_from_a_sheet_leaves_the_old_default_in_its_history(workspaces):
    standard = SlaPolicy.objects.get(
        workspace__slug="customer-service-escalation-here", is_default=True
    )
    vip = SlaPolicy.objects.get(workspace=standard.workspace, name="VIP customers")
    versions = standard.history.count()

    def edit(rows):
        for number, row in enumerate(rows[1:], start=1):
            if row[0] == standard.workspace.slug and row[1] in (standard.name, vip.name):
                set_cell(rows, number, "Default", str(row[1] == vip.name))

    result = import_file(SlaPolicyResource, edited_csv(SlaPolicyResource, edit), SheetCSV)
    assert errors_of(result) == []
    standard.refresh_from_db()
    vip.refresh_from_db()
    assert (vip.is_default, standard.is_default) == (True, False)
    assert standard.history.count() == versions + 1
    assert standard.history.first().is_default is False
