"""Upgrading keeps what existing SLA policies take: an active policy without conditions took
every ticket, and is marked so."""

import pytest

BEFORE = [("escalations", "0035_readable_model_names")]
AFTER = [("escalations", "0036_sla_policy_applies_to_all")]


@pytest.mark.django_db(transaction=True)
def test_active_policies_without_conditions_keep_taking_every_ticket(migrate):
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
