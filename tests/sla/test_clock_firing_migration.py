"""Upgrading gives the clocks that already warned or breached the moments they fired, read
from their audit events."""

from datetime import UTC, datetime

import pytest

BEFORE = [("escalations", "0037_sla_policy_pinned_event")]
AFTER = [("escalations", "0038_sla_clock_firing_times")]
DUE = datetime(2026, 3, 4, 10, 48, tzinfo=UTC)
WARNED = datetime(2026, 3, 4, 10, 48, 3, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_clocks_that_fired_take_the_moment_of_their_audit_event(migrate):
    apps = migrate(BEFORE)
    model = apps.get_model
    workspace = model("escalations", "Workspace").objects.create(name="Shop", slug="shop")
    customer = model("escalations", "Customer").objects.create(email="ann@example.org")
    ticket = model("escalations", "Ticket").objects.create(
        workspace=workspace, customer=customer, subject="Help", created_at=DUE
    )
    clocks = model("escalations", "SlaClock").objects
    common = {"ticket": ticket, "state": "warning", "target_seconds": 3600, "started_at": DUE}
    warned = clocks.create(kind="first_response", warned_at=DUE, **common)
    quiet = clocks.create(kind="resolution", **common)
    model("escalations", "TicketEvent").objects.create(
        ticket=ticket,
        event_type="sla.warning",
        actor_kind="system",
        data={"clock": warned.pk, "due_at": DUE.isoformat()},
        created_at=WARNED,
    )

    apps = migrate(AFTER)

    clocks = apps.get_model("escalations", "SlaClock").objects
    fired = {
        c.pk: (c.warning_fired_at, c.breach_fired_at)
        for c in clocks.filter(pk__in=[warned.pk, quiet.pk])
    }
    assert fired == {warned.pk: (WARNED, None), quiet.pk: (None, None)}
