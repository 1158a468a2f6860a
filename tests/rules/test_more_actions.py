"""Snooze, notify and webhook actions, through a live rule."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from escalations.core.models import EventType
from escalations.rules.models import Integration, Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.rules.services.webhooks import sign, webhook_deliver
from escalations.tickets.models import Notification, Ticket
from escalations.tickets.services.notifications import notification_email
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(l1_team):
    return rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))


def rule(live, actions):
    return rule_save(
        rule=Rule(rule_set=live, name="r", triggers=["ticket_created"], actions=actions)
    )


def test_snooze_sets_the_return_time(live, l1_team, actor):
    rule(live, [{"type": "snooze", "value": "4h"}])
    ticket = make_ticket(team=l1_team, actor=actor, body="hi")
    ticket.refresh_from_db()
    delta = ticket.snoozed_until - ticket.created_at
    assert 4 * 3600 - 5 < delta.total_seconds() < 4 * 3600 + 60


def test_notify_reaches_team_members_in_app_and_by_mail(
    live, l1_team, billing_team, actor, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    priya = AgentFactory(team=billing_team, user__email="priya@example.com")
    rule(live, [{"type": "notify", "value": "team:billing", "detail": "Please look at this"}])

    ticket = make_ticket(team=l1_team, actor=actor, body="hi")

    notification = Notification.objects.get()
    assert (notification.recipient, notification.message) == (priya.user, "Please look at this")
    assert ticket.events.filter(event_type=EventType.NOTIFIED).exists()
    notification_email(notification_id=notification.pk)  # what the queued task does
    assert [m.to for m in mail.outbox] == [["priya@example.com"]]


def test_notifying_nobody_is_refused_on_the_ticket(live, l1_team, actor):
    rule(live, [{"type": "notify", "value": "ghost"}])
    ticket = make_ticket(team=l1_team, actor=actor, body="hi")
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert "Nobody to notify as ghost" in refused.reason


def test_a_webhook_is_queued_and_delivered_signed(live, l1_team, actor, monkeypatch):
    received = {}

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            received["signature"] = self.headers["X-Handoff-Signature"]
            received["path"] = self.path
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=httpd.handle_request, daemon=True).start()
    monkeypatch.setenv("HANDOFF_INTEGRATION_HOOK_SECRET", "hook-secret")
    Integration.objects.create(
        name="ops",
        base_url=f"http://127.0.0.1:{httpd.server_address[1]}",
        credential_env="HANDOFF_INTEGRATION_HOOK_SECRET",
    )
    rule(live, [{"type": "send_webhook", "value": "ops", "detail": "/hooks/handoff"}])

    ticket = make_ticket(team=l1_team, actor=actor, body="hi")
    delivery = ticket.webhooks.get()

    delivered = webhook_deliver(delivery_id=delivery.pk)
    httpd.server_close()
    assert delivered.status_code == 204 and delivered.delivered_at is not None
    assert received["path"] == "/hooks/handoff"
    assert received["signature"] == sign(received["body"], "hook-secret")
    assert json.loads(received["body"])["ticket"]["id"] == ticket.pk


def test_a_webhook_to_an_unreachable_host_records_the_failure(live, l1_team, actor):
    Integration.objects.create(name="down", base_url="http://127.0.0.1:9")
    rule(live, [{"type": "send_webhook", "value": "down", "detail": "/x"}])
    ticket = make_ticket(team=l1_team, actor=actor, body="hi")
    delivery = webhook_deliver(delivery_id=ticket.webhooks.get().pk)
    assert delivery.delivered_at is None and delivery.attempts == 1 and delivery.error
    assert delivery.state == "retrying" and delivery.next_attempt_at is not None
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_assigning_by_the_team_strategy_picks_the_least_busy_member(live, l1_team, actor):
    AgentFactory(team=l1_team, display_name="Busy").assigned_tickets.add(
        make_ticket(team=l1_team, actor=actor)
    )
    free = AgentFactory(team=l1_team, display_name="Free")
    rule(live, [{"type": "set_assignee", "value": "strategy"}])

    ticket = make_ticket(team=l1_team, actor=actor, body="hi")

    ticket.refresh_from_db()
    assert ticket.assignee == free
    assigned = ticket.events.get(event_type=EventType.ASSIGNED)
    assert assigned.actor_kind == "rule" and "Fewest open tickets" in assigned.reason


def test_assigning_by_strategy_without_a_team_is_refused_on_the_ticket(live, actor):
    rule_set_workspace = live.workspace
    rule(live, [{"type": "set_assignee", "value": "strategy"}])
    ticket = make_ticket(workspace=rule_set_workspace, actor=actor, body="hi")
    refused = ticket.events.get(event_type=EventType.RULE_ACTION_REFUSED)
    assert "has no team to assign it by" in refused.reason


def test_everyone_told_at_once_is_emailed_by_one_task_and_only_once(
    live, l1_team, billing_team, actor, settings, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from escalations.tasks import notification_email_task

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    AgentFactory(team=billing_team, user__email="priya@example.com")
    AgentFactory(team=billing_team, user__email="omar@example.com")
    rule(live, [{"type": "notify", "value": "team:billing"}])

    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(team=l1_team, actor=actor, body="hi")

    assert Notification.objects.count() == 2
    (queued,) = OrmQ.objects.all()
    task = SignedPackage.loads(queued.payload)
    assert task["func"] == "escalations.tasks.notification_email_task"
    notification_email_task(*task["args"])
    notification_email_task(*task["args"])  # a retried task sends nothing twice
    assert sorted(m.to[0] for m in mail.outbox) == ["omar@example.com", "priya@example.com"]
