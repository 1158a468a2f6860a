"""Rules running on real events: actions through the services, audit, loop bound, once only."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from escalations.core.models import EventType
from escalations.reports.dashboard import dashboard
from escalations.reports.metrics import Period
from escalations.rules.models import Rule, RuleFiring, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.tickets.models import CustomFieldDefinition, Priority, Ticket
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(l1_team):
    return rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))


def add_rule(rule_set, **fields):
    fields.setdefault("name", "Rule")
    fields.setdefault("triggers", ["ticket_created"])
    return rule_save(rule=Rule(rule_set=rule_set, **fields))


def new_ticket(team, actor, **kwargs):
    kwargs.setdefault("body", "Please help")
    return make_ticket(team=team, actor=actor, **kwargs)


def test_a_matching_rule_applies_its_actions_in_order_and_is_audited(
    live, l1_team, billing_team, actor
):
    rule = add_rule(
        live,
        name="Legal threats go to billing",
        condition={"field": "text", "op": "contains_any", "value": "lawyer, legal"},
        actions=[
            {"type": "add_tags", "value": "legal"},
            {"type": "set_priority", "value": "urgent"},
            {"type": "escalate", "value": "billing", "detail": "Customer mentions legal action."},
            {"type": "add_note", "detail": "Handled by the legal rule."},
        ],
    )

    ticket = new_ticket(l1_team, actor, body="My LAWYER will call you")

    ticket.refresh_from_db()
    assert ticket.tags == ["legal"]
    assert ticket.priority == 40
    assert (ticket.status, ticket.team) == ("escalated", billing_team)
    escalation = ticket.escalations.get()
    assert (escalation.kind, escalation.trigger) == (
        "rule",
        "rule:Legal threats go to billing",
    )
    fired = ticket.events.get(event_type=EventType.RULE_FIRED)
    assert (fired.actor_kind, fired.data["rule"], fired.data["rule_version"]) == (
        "rule",
        rule.pk,
        1,
    )
    assert fired.actor_label == "rule Legal threats go to billing (v1)"
    firing = RuleFiring.objects.get(rule=rule)
    assert firing.actions_applied == ["add_tags", "set_priority", "escalate", "add_note"]
    assert ticket.messages.filter(is_internal=True, body="Handled by the legal rule.").exists()


@pytest.mark.parametrize("trigger", ["ticket_created", "customer_replied"])
def test_a_rule_escalation_is_by_a_rule_and_names_it_everywhere(
    live, l1_team, billing_team, actor, manager_user, client, trigger
):
    # given a rule that escalates, on a ticket's opening or on a customer's reply
    rule = add_rule(
        live,
        name="Refunds go to billing",
        triggers=[trigger],
        actions=[{"type": "escalate", "value": "billing"}],
    )

    # when it fires
    ticket = new_ticket(l1_team, actor, body="A refund, please")
    if trigger == "customer_replied":
        message_add(ticket=ticket, author_kind="customer", body="Any news?", actor=actor)

    # then the escalation is of its own kind and names the rule: model, audit, API, admin
    escalation = ticket.escalations.get()
    assert (escalation.kind, escalation.get_kind_display()) == ("rule", "By a rule")
    assert (escalation.rule, escalation.rule_name) == (rule, "Refunds go to billing")
    escalated = ticket.events.get(event_type=EventType.ESCALATED)
    assert (escalated.data["kind"], escalated.data["rule"], escalated.data["rule_name"]) == (
        "rule",
        rule.pk,
        "Refunds go to billing",
    )
    api = APIClient()
    api.force_authenticate(manager_user)
    body = api.get(f"/api/escalations/{escalation.pk}/").json()
    assert (body["kind"], body["rule"], body["rule_name"]) == (
        "rule",
        rule.pk,
        "Refunds go to billing",
    )
    client.force_login(manager_user)
    page = client.get(reverse("admin:escalations_escalation_change", args=[escalation.pk]))
    assert "By a rule" in page.content.decode()
    assert reverse("admin:escalations_rule_change", args=[rule.pk]) in page.content.decode()
    today = timezone.localdate()
    volume = dashboard(Period(today, today, l1_team.workspace_id))["volume"]
    assert volume["kind_labels"]["rule"] == "By a rule"
    assert {row["value"]: row["count"] for row in volume["by_kind"]} == {"rule": 1}


def test_a_rule_that_does_not_match_changes_nothing(live, l1_team, actor):
    add_rule(
        live,
        condition={"field": "text", "op": "contains", "value": "lawyer"},
        actions=[{"type": "add_tags", "value": "legal"}],
    )
    ticket = new_ticket(l1_team, actor, body="Where is my parcel?")
    assert not RuleFiring.objects.exists()
    assert not ticket.events.filter(event_type=EventType.RULE_FIRED).exists()
    assert Ticket.objects.get(pk=ticket.pk).tags == []


def test_rules_listen_only_to_their_triggers(live, l1_team, actor):
    add_rule(
        live,
        triggers=["customer_replied"],
        actions=[{"type": "add_tags", "value": "replied"}],
    )
    ticket = new_ticket(l1_team, actor)  # the opening message is not a reply
    assert Ticket.objects.get(pk=ticket.pk).tags == []

    message_add(ticket=ticket, author_kind="customer", body="Any news?", actor=actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == ["replied"]


def test_an_illegal_status_is_reported_on_the_ticket_never_forced(live, l1_team, actor):
    add_rule(
        live,
        actions=[
            {"type": "set_status", "value": "closed"},
            {"type": "add_tags", "value": "seen"},
        ],
    )
    ticket = new_ticket(l1_team, actor)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert "may move to Open, Pending, Escalated or Resolved, not to Closed" in refused.reason
    assert ticket.tags == ["seen"]  # the next action still ran
    assert RuleFiring.objects.get().problems == [
        {"action": "set_status", "problem": refused.reason}
    ]


def test_stop_processing_keeps_later_rules_from_running(live, l1_team, actor):
    add_rule(
        live,
        name="first",
        position=1,
        stop_processing=True,
        actions=[{"type": "add_tags", "value": "first"}],
    )
    add_rule(live, name="second", position=2, actions=[{"type": "add_tags", "value": "second"}])
    ticket = new_ticket(l1_team, actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == ["first"]


def test_rules_cannot_loop_beyond_the_depth_limit(live, l1_team, actor, settings):
    settings.HANDOFF_RULES_MAX_DEPTH = 2
    # Two rules that undo each other: every change is a field change that triggers the other.
    add_rule(
        live,
        name="ping",
        triggers=["ticket_created", "field_changed"],
        condition={"field": "tags", "op": "excludes", "value": "ping"},
        actions=[{"type": "add_tags", "value": "ping"}],
    )
    add_rule(
        live,
        name="pong",
        triggers=["field_changed"],
        condition={"field": "tags", "op": "includes", "value": "ping"},
        actions=[{"type": "remove_tags", "value": "ping"}],
    )

    ticket = new_ticket(l1_team, actor)

    assert set(RuleFiring.objects.values_list("depth", flat=True)) == {0, 1, 2}
    assert list(RuleFiring.objects.order_by("id").values_list("rule_name", flat=True)) == [
        "ping",
        "pong",
        "ping",
    ]
    stopped = ticket.events.get(event_type=EventType.RULE_DEPTH_LIMIT)
    assert stopped.data["depth"] == 3
    assert Ticket.objects.get(pk=ticket.pk).tags == ["ping"]


def test_a_rule_fires_once_per_event(live, l1_team, actor):
    from escalations.rules.services.rules import rules_run_for_event

    add_rule(live, actions=[{"type": "add_tags", "value": "once"}])
    ticket = new_ticket(l1_team, actor)
    created = ticket.events.get(event_type=EventType.TICKET_CREATED)

    again = rules_run_for_event(event=created, depth=0, limit=3)

    assert again == []
    assert RuleFiring.objects.count() == 1


def test_drafts_do_not_run(l1_team, actor):
    draft = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Draft"))
    add_rule(draft, actions=[{"type": "add_tags", "value": "draft"}])
    ticket = new_ticket(l1_team, actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == []


def test_status_and_assignee_actions(live, l1_team, actor):
    agent = AgentFactory(team=l1_team)
    add_rule(
        live,
        actions=[
            {"type": "set_assignee", "value": agent.user.username},
            {"type": "set_status", "value": "open"},
            {"type": "set_tier", "value": "L2"},
        ],
    )
    ticket = new_ticket(l1_team, actor)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status, ticket.tier) == (agent, "open", 2)


def test_a_changed_rule_is_recompiled(live, l1_team, actor):
    rule = add_rule(live, actions=[{"type": "add_tags", "value": "one"}])
    new_ticket(l1_team, actor)
    rule.actions = [{"type": "add_tags", "value": "two"}]
    rule_save(rule=rule)
    ticket = new_ticket(l1_team, actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == ["two"]
    assert rule.version == 2


def test_saving_an_invalid_rule_names_the_problem(live):
    with pytest.raises(ValidationError) as exc:
        add_rule(
            live,
            triggers=["moon_phase"],
            condition={"field": "priority", "op": "contains", "value": "x"},
            actions=[{"type": "escalate", "value": "nowhere"}],
        )
    errors = exc.value.message_dict
    assert errors["triggers"] == ["Unknown trigger(s): moon_phase."]
    assert "Priority cannot use 'contains'" in errors["condition"][0]
    assert "the workspace has no team 'nowhere'" in errors["actions"][0]
    assert not Rule.objects.exists()


def test_status_triggers_see_the_move(live, l1_team, actor):
    add_rule(
        live,
        triggers=["status_changed"],
        condition={"field": "event.to", "op": "equals", "value": "resolved"},
        actions=[{"type": "add_tags", "value": "solved"}],
    )
    ticket = new_ticket(l1_team, actor)
    ticket_step(ticket=ticket, transition="start_work", actor=actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == []
    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    assert Ticket.objects.get(pk=ticket.pk).tags == ["solved"]


def test_a_cel_rule_runs(live, l1_team, actor):
    add_rule(
        live,
        condition_cel='ticket.text.contains("refund") && ticket.priority >= 20',
        actions=[{"type": "add_tags", "value": "refund"}],
    )
    ticket = new_ticket(l1_team, actor, body="I want a refund")
    assert Ticket.objects.get(pk=ticket.pk).tags == ["refund"]


def test_a_script_enriches_the_ticket_from_an_integration(live, l1_team, actor, monkeypatch):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from escalations.rules.models import Integration

    class CRM(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"plan": "gold", "token": self.headers["Authorization"]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), CRM)
    threading.Thread(target=httpd.handle_request, daemon=True).start()
    monkeypatch.setenv("HANDOFF_INTEGRATION_CRM_TOKEN", "t0ken")
    Integration.objects.create(
        name="crm",
        base_url=f"http://127.0.0.1:{httpd.server_address[1]}",
        credential_env="HANDOFF_INTEGRATION_CRM_TOKEN",
    )
    add_rule(
        live,
        script=(
            "def decide():\n"
            "    account = lookup('crm', '/accounts/' + str(ticket['id']), {})\n"
            "    if account['token'] != 'Bearer t0ken':\n"
            "        return []\n"
            "    return [{'type': 'add_tags', 'value': 'plan-' + account['plan']}]\n"
            "decide()"
        ),
    )
    ticket = new_ticket(l1_team, actor)
    httpd.server_close()
    assert Ticket.objects.get(pk=ticket.pk).tags == ["plan-gold"]


def test_a_failing_script_is_recorded_and_processing_continues(live, l1_team, actor):
    add_rule(
        live,
        name="broken",
        position=1,
        script="def f():\n    for i in range(1000000000):\n        pass\nf()",
        actions=[{"type": "add_tags", "value": "own-action"}],
    )
    add_rule(live, name="next", position=2, actions=[{"type": "add_tags", "value": "next"}])
    ticket = new_ticket(l1_team, actor)
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert refused.to_value == "script" and "time budget" in refused.reason
    assert Ticket.objects.get(pk=ticket.pk).tags == ["next", "own-action"]
    assert RuleFiring.objects.get(rule_name="broken").problems[0]["action"] == "script"


def test_an_action_refused_before_it_writes_leaves_the_ticket_and_the_next_action_whole(
    live, l1_team, actor
):
    add_rule(
        live,
        actions=[
            {"type": "set_priority", "value": Priority.HIGH},
            {"type": "set_assignee", "value": "nobody-of-that-name"},
            {"type": "add_tags", "value": "after"},
        ],
    )
    ticket = new_ticket(l1_team, actor)
    ticket.refresh_from_db()
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert refused.to_value == "set_assignee"
    assert "nobody-of-that-name" in refused.reason
    assert (ticket.priority, ticket.assignee_id, ticket.tags) == (Priority.HIGH, None, ["after"])
    assert RuleFiring.objects.get().actions_applied == ["set_priority", "add_tags"]


def test_a_field_action_its_check_refuses_is_recorded_and_the_next_applies_with_no_savepoint(
    live, l1_team, actor
):
    CustomFieldDefinition.objects.create(
        workspace=l1_team.workspace, key="order_total", label="Order total", field_type="number"
    )
    add_rule(
        live,
        actions=[
            {"type": "set_custom_field", "key": "order_total", "value": "lots"},
            {"type": "add_tags", "value": "after"},
        ],
    )
    with CaptureQueriesContext(connection) as captured:
        ticket = new_ticket(l1_team, actor)

    ticket.refresh_from_db()
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert refused.to_value == "set_custom_field" and "order_total" in refused.reason
    assert (ticket.custom_fields, ticket.tags) == ({}, ["after"])
    assert RuleFiring.objects.get().actions_applied == ["add_tags"]
    # One savepoint and its release: the unit of work's own (the test runs in a transaction).
    assert len([q for q in captured if "SAVEPOINT" in q["sql"].upper()]) == 2
