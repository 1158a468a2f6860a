"""The system's own moves follow the workflow: they land where the workspace says, and where
its workflow allows no such move the ticket stays, and the audit trail and the ticket page say
so. Drills replay status changes too."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.drills import drill_run, drill_start
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.tickets.audit import event_description
from escalations.tickets.models import CustomStatus
from escalations.tickets.selectors.workflows import ticket_status
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.snooze import snooze_end, ticket_snooze
from escalations.tickets.services.transitions import ticket_move
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def workflow(l1_team):
    """New → Working / Waiting; Waiting only leads to Done (no way back to Working)."""
    workspace = l1_team.workspace

    def status(name, state, *, default=True, **extra):
        return CustomStatus.objects.create(
            workspace=workspace,
            name=name,
            slug=name.lower(),
            lifecycle_state=state,
            is_default=default,
            **extra,
        )

    s = {
        "new": status("Triage", "new"),
        "working": status("Working", "open"),
        "checking": status("Checking", "open", default=False),
        "waiting": status("Waiting", "pending"),
        "up": status("Specialists", "escalated", from_any_status=True),
        "done": status("Done", "resolved"),
        "closed": status("Closed", "closed"),
    }
    s["new"].next_statuses.set([s["working"], s["waiting"]])
    s["working"].next_statuses.set([s["waiting"], s["done"], s["checking"]])
    s["checking"].next_statuses.set([s["working"]])
    s["waiting"].next_statuses.set([s["done"]])
    s["up"].next_statuses.set([s["working"]])
    s["done"].next_statuses.set([s["closed"]])
    return s


def test_a_snooze_that_ends_where_the_workflow_allows_no_way_back_is_recorded_as_blocked(
    workflow, l1_team, client, manager_user
):
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    ticket_move(ticket=ticket, to_status="working", actor=ACTOR)
    ticket_snooze(ticket=ticket, until=timezone.now() + timedelta(hours=1), actor=ACTOR)
    ticket.refresh_from_db()
    assert ticket_status(ticket).slug == "waiting"

    snooze_end(ticket=ticket, actor=ACTOR, reason="The snooze time came.")

    ticket.refresh_from_db()
    assert (ticket_status(ticket).slug, ticket.snoozed_until) == ("waiting", None)
    blocked = ticket.events.get(event_type=EventType.MOVE_BLOCKED)
    assert (blocked.from_value, blocked.to_value, blocked.data["move"]) == (
        "Waiting",
        "Working",
        "wake",
    )
    assert blocked.reason == (
        "The workflow does not allow Waiting → Working: the ticket stays Waiting."
    )
    assert event_description(blocked).startswith("Blocked move (a snooze that ends): The workflow")
    client.force_login(manager_user)
    page = client.get(reverse("admin:escalations_ticket_change", args=[ticket.pk]))
    assert "the ticket stays Waiting" in page.content.decode()


def test_a_customer_reply_to_a_snoozed_ticket_lands_where_the_workspace_says(workflow, l1_team):
    workspace = l1_team.workspace
    workspace.reply_status = workflow["checking"]
    workspace.save()
    workflow["waiting"].next_statuses.add(workflow["checking"])
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    ticket_move(ticket=ticket, to_status="working", actor=ACTOR)
    ticket_snooze(ticket=ticket, until=timezone.now() + timedelta(hours=1), actor=ACTOR)

    message_add(ticket=ticket, author_kind="customer", body="Here it is.", actor=ACTOR)

    ticket.refresh_from_db()
    assert ticket_status(ticket).slug == "checking"
    moved = ticket.events.filter(event_type=EventType.STATUS_CHANGED).order_by("-id").first()
    assert (moved.data["move"], moved.data["to_status"]) == ("reply", "checking")


def test_an_escalation_lands_in_the_status_open_from_any_status(workflow, l1_team, billing_team):
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    ticket_move(ticket=ticket, to_status="waiting", actor=ACTOR)

    escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="t", to_team=billing_team, actor=ACTOR
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket_status(ticket).slug) == ("escalated", "specialists")


def test_a_rule_sets_a_workspace_status_and_a_forbidden_one_is_refused_in_its_words(
    workflow, l1_team
):
    live = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Straight to waiting",
            triggers=["ticket_created"],
            actions=[{"type": "set_status", "value": "waiting"}],
        )
    )
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Then checking",
            position=2,
            triggers=["ticket_created"],
            actions=[{"type": "set_status", "value": "checking"}],
        )
    )
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    ticket.refresh_from_db()
    assert ticket_status(ticket).slug == "waiting"
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert "is Waiting: from there it may move to Specialists or Done, not to Checking" in (
        refused.reason
    )


@pytest.mark.django_db(transaction=True)
def test_a_drill_replays_the_workspace_statuses_a_ticket_went_through(workflow, l1_team):
    draft = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Draft"))
    rule_save(
        rule=Rule(
            rule_set=draft,
            name="Tag what waits",
            triggers=["status_changed"],
            condition={"field": "custom_status", "op": "equals", "value": "waiting"},
            actions=[{"type": "add_tags", "value": "waited"}],
        )
    )
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        waited = make_ticket(team=l1_team, actor=ACTOR)
        ticket_move(ticket=waited, to_status="working", actor=ACTOR)
        ticket_move(ticket=waited, to_status="waiting", actor=ACTOR)
        worked = make_ticket(team=l1_team, actor=ACTOR)
        ticket_move(ticket=worked, to_status="working", actor=ACTOR)
        ticket_move(ticket=worked, to_status="done", actor=ACTOR)

    drill = drill_start(
        rule_set=draft,
        period_start=timezone.now() - timedelta(days=3),
        period_end=timezone.now(),
        actor=ACTOR,
    )
    report = drill_run(drill_id=drill.pk).report

    changed = {row["ticket"]: row for row in report["per_ticket"]}
    assert set(changed) == {waited.pk}
    assert changed[waited.pk]["draft"]["firings"] == 1


def test_a_customer_reply_brings_a_ticket_waiting_on_them_back_where_the_workspace_says(
    workflow, l1_team
):
    workspace = l1_team.workspace
    workspace.reply_status = workflow["checking"]
    workspace.save()
    workflow["waiting"].next_statuses.add(workflow["checking"])
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    ticket_move(ticket=ticket, to_status="waiting", actor=ACTOR)  # waits, not snoozed

    message_add(ticket=ticket, author_kind="customer", body="Here it is.", actor=ACTOR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket_status(ticket).slug) == ("open", "checking")


def test_in_the_built_in_workflow_a_customer_reply_reopens_a_pending_ticket(ticket):
    from escalations.tickets.services.transitions import ticket_step

    ticket_step(ticket=ticket, transition="wait_on_customer", actor=ACTOR)
    message_add(ticket=ticket, author_kind="customer", body="Done.", actor=ACTOR)
    ticket.refresh_from_db()
    assert ticket.status == "open"
