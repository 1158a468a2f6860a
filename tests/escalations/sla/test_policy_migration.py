"""Upgrading keeps what existing SLA policies take: an active policy without conditions took
every ticket, and is marked so."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("escalations", "0035_readable_model_names")]
AFTER = [("escalations", "0036_sla_policy_applies_to_all")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_active_policies_without_conditions_keep_taking_every_ticket():
    apps = migrate(BEFORE)
    Workspace = apps.get_model("escalations", "Workspace")
    SlaPolicy = apps.get_model("escalations", "SlaPolicy")
    workspace = Workspace.objects.create(name="Shop", slug="shop")
    for name, fields in {
        "Everyone": {},
        "Retired": {"is_active": False},
        "Standard": {"is_default": True},
        "VIP": {"match_customer_tiers": ["vip"]},
    }.items():
        SlaPolicy.objects.create(workspace=workspace, name=name, **fields)

    apps = migrate(AFTER)

    SlaPolicy = apps.get_model("escalations", "SlaPolicy")
    marked = dict(SlaPolicy.objects.values_list("name", "applies_to_all"))
    assert marked == {"Everyone": True, "Retired": False, "Standard": False, "VIP": False}
