"""An escalation drill on a small recorded history gives the expected report."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from escalations.core.actors import Actor
from escalations.rules.models import Rule, RuleDrill, RuleSet
from escalations.rules.services.drills import drill_run, drill_start
from escalations.rules.services.rule_config import (
    rule_delete,
    rule_save,
    rule_set_copy,
    rule_set_save,
)
from escalations.tickets.models import Ticket
from escalations.tickets.services.messages import message_add
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(l1_team, billing_team, actor):
    """Live rules escalated legal threats; three tickets were recorded last week."""
    live = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Legal to billing",
            triggers=["ticket_created", "customer_replied"],
            condition={"field": "text", "op": "contains", "value": "lawyer"},
            actions=[{"type": "escalate", "value": "billing"}],
        )
    )
    AgentFactory(team=billing_team, user__username="priya")
    with time_machine.travel(timezone.now() - timedelta(days=7), tick=False):
        legal = make_ticket(team=l1_team, actor=actor, body="My lawyer will call")
        refund = make_ticket(team=l1_team, actor=actor, body="I want a refund")
        quiet = make_ticket(team=l1_team, actor=actor, body="Thanks for the help")
        message_add(ticket=refund, author_kind="customer", body="Refund please!", actor=actor)
    return live, legal, refund, quiet


def test_a_drill_compares_a_draft_with_what_happened(history, billing_team):
    live, legal, refund, quiet = history
    # the draft drops the legal rule and routes refunds to Priya in billing instead
    draft = rule_set_copy(rule_set=live)
    draft_rule = draft.rules.get()
    draft_rule.name = "Refunds to Priya"
    draft_rule.condition = {"field": "text", "op": "contains", "value": "refund"}
    draft_rule.actions = [
        {"type": "set_team", "value": "billing"},
        {"type": "set_assignee", "value": "priya"},
    ]
    rule_save(rule=draft_rule)
    draft.refresh_from_db()

    drill = drill_start(
        rule_set=draft,
        period_start=timezone.now() - timedelta(days=8),
        period_end=timezone.now(),
        actor=Actor.system("test"),
    )
    drill = drill_run(drill_id=drill.pk)

    assert drill.status == RuleDrill.Status.DONE
    assert (drill.tickets_total, drill.tickets_done) == (3, 3)
    report = drill.report
    assert report["tickets"] == 3
    # the escalation to billing was assigned to Priya by the team's strategy
    assert report["totals"]["actual"] == {"escalations": 1, "assignments": 1, "firings": 1}
    # refund: created + a customer reply, both mention a refund
    assert report["totals"]["draft"] == {"escalations": 0, "assignments": 2, "firings": 2}
    changed = {row["ticket"]: row for row in report["per_ticket"]}
    assert set(changed) == {legal.pk, refund.pk}
    assert quiet.pk not in changed
    assert changed[legal.pk]["actual"]["escalations"] == 1
    assert changed[legal.pk]["draft"]["escalations"] == 0
    assert changed[refund.pk]["draft"]["assignments"] == 2
    # the drill changed nothing
    assert Ticket.objects.get(pk=refund.pk).assignee is None


def test_tickets_outside_the_period_are_left_out(history):
    live, *_ = history
    drill = drill_start(
        rule_set=live,
        period_start=timezone.now() - timedelta(days=2),
        period_end=timezone.now(),
        actor=Actor.system("test"),
    )
    assert drill_run(drill_id=drill.pk).report["tickets"] == 0


def test_a_manager_starts_a_drill_from_the_rule_set_and_reads_the_report(client, history):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse
    from django_q.models import OrmQ

    live, *_ = history
    manager = User.objects.create_user("mia", password="x-long-password-1", is_staff=True)
    manager.groups.add(Group.objects.get(name="Support managers"))
    client.force_login(manager)
    now = timezone.localtime()
    week_ago = now - timedelta(days=8)
    queued_before = OrmQ.objects.count()  # e.g. the e-mail to the assigned agent
    response = client.post(
        reverse("admin:escalations_ruleset_drill", args=[live.pk]),
        {
            "period_start_0": week_ago.strftime("%Y-%m-%d"),
            "period_start_1": week_ago.strftime("%H:%M:%S"),
            "period_end_0": now.strftime("%Y-%m-%d"),
            "period_end_1": now.strftime("%H:%M:%S"),
        },
    )
    drill = RuleDrill.objects.get()
    assert response.status_code == 302
    assert drill.status == RuleDrill.Status.QUEUED and drill.tickets_total == 3
    assert OrmQ.objects.count() == queued_before + 1  # handed to the django-q2 cluster

    drill_run(drill_id=drill.pk)  # what the cluster's worker does
    page = client.get(reverse("admin:escalations_ruledrill_change", args=[drill.pk]))
    assert page.status_code == 200
    assert "3 / 3" in page.content.decode()
    assert "tickets would have gone differently" in page.content.decode()


def test_a_drill_runs_rule_scripts_and_skips_those_that_call_lookup(client, history):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    live, _legal, refund, _quiet = history
    draft = rule_set_copy(rule_set=live)
    rule_delete(rule=draft.rules.get())
    rule_save(
        rule=Rule(
            rule_set=draft,
            name="Refunds by script",
            position=1,
            triggers=["ticket_created"],
            script=(
                "def decide():\n"
                "    if 'refund' in ticket['text'].lower():\n"
                "        return [{'type': 'escalate', 'value': 'billing'}]\n"
                "    return []\n"
                "decide()"
            ),
        )
    )
    rule_save(
        rule=Rule(
            rule_set=draft,
            name="Plan from the CRM",
            position=2,
            triggers=["ticket_created"],
            script="account = lookup('crm', '/accounts/1', {})\n[]",
        )
    )
    draft.refresh_from_db()

    drill = drill_start(
        rule_set=draft,
        period_start=timezone.now() - timedelta(days=8),
        period_end=timezone.now(),
        actor=Actor.system("test"),
    )
    report = drill_run(drill_id=drill.pk).report

    # the script escalated the refund (created once); each of the three tickets asked the CRM
    assert report["totals"]["draft"] == {"escalations": 1, "assignments": 1, "firings": 6}
    assert report["scripted_rules"] == 2
    assert report["scripts"] == {"run": 3, "skipped_at_lookup": 3, "failed": 0}
    changed = {row["ticket"]: row for row in report["per_ticket"]}
    assert changed[refund.pk]["draft"]["escalations"] == 1
    assert Ticket.objects.get(pk=refund.pk).escalations.count() == 0  # nothing was done

    manager = User.objects.create_user("mia", password="x-long-password-1", is_staff=True)
    manager.groups.add(Group.objects.get(name="Support managers"))
    client.force_login(manager)
    page = client.get(reverse("admin:escalations_ruledrill_change", args=[drill.pk]))
    text = " ".join(page.content.decode().split())
    assert "Rule scripts ran on the recorded history and their actions are counted: 3 runs." in text
    assert (
        "a script run that calls lookup() is skipped and its actions are not counted: 3 skipped."
        in text
    )
