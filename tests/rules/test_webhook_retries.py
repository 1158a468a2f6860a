"""A failed webhook delivery is tried again later, each time after a longer pause, until it
arrives or its last attempt fails; a manager can send it again by hand."""

import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.urls import reverse

from escalations.core.models import EventType
from escalations.rules.models import Integration, WebhookDelivery
from escalations.rules.services import webhooks
from escalations.rules.services.webhooks import RETRY_AFTER, webhook_deliver, webhook_retries_due

pytestmark = pytest.mark.django_db
START = datetime.fromisoformat("2026-05-04 09:00:00+00:00")


@pytest.fixture
def queued(monkeypatch):
    """What the task queue was asked to deliver (instead of a running cluster)."""
    sent: list[int] = []
    monkeypatch.setattr(webhooks, "_enqueue", sent.append)
    return sent


def delivery_to(ticket, base_url: str) -> WebhookDelivery:
    integration = Integration.objects.create(name="ops", base_url=base_url)
    return WebhookDelivery.objects.create(
        integration=integration, ticket=ticket, path="/hook", payload={"event": "x"}
    )


def test_a_failing_delivery_waits_longer_each_time_then_is_given_up(
    ticket, queued, django_capture_on_commit_callbacks
):
    delivery = delivery_to(ticket, "http://127.0.0.1:9")  # nothing listens there
    now = START
    for attempt, pause in enumerate(RETRY_AFTER, start=1):
        with time_machine.travel(now, tick=False):
            delivery = webhook_deliver(delivery_id=delivery.pk)
        assert delivery.attempts == attempt and delivery.state == "retrying"
        assert delivery.next_attempt_at == now + pause
        with time_machine.travel(now + pause - timedelta(seconds=1), tick=False):
            assert webhook_retries_due() == []  # not before its time
        now += pause
        with (
            time_machine.travel(now, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert webhook_retries_due() == [delivery.pk]
            assert webhook_retries_due() == []  # claimed once
        assert queued[-1] == delivery.pk
    with time_machine.travel(now, tick=False):
        delivery = webhook_deliver(delivery_id=delivery.pk)
    assert delivery.state == "gave up" and delivery.attempts == len(RETRY_AFTER) + 1
    assert delivery.next_attempt_at is None
    gave_up = ticket.events.get(event_type=EventType.WEBHOOK_GAVE_UP)
    assert "6 attempts failed" in gave_up.reason
    with time_machine.travel(now + timedelta(days=1), tick=False):
        assert webhook_retries_due() == []


class FlakyHook(BaseHTTPRequestHandler):
    answers: list[int] = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(FlakyHook.answers.pop(0))
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_delivery_that_arrives_on_a_later_attempt_stops_retrying(ticket, queued):
    httpd = HTTPServer(("127.0.0.1", 0), FlakyHook)
    FlakyHook.answers = [503, 204]
    delivery = delivery_to(ticket, f"http://127.0.0.1:{httpd.server_address[1]}")
    for _ in range(2):
        threading.Thread(target=httpd.handle_request, daemon=True).start()
        delivery = webhook_deliver(delivery_id=delivery.pk)
    httpd.server_close()
    assert delivery.state == "delivered" and delivery.status_code == 204
    assert delivery.attempts == 2 and delivery.error == "" and delivery.next_attempt_at is None
    with time_machine.travel(START + timedelta(days=30), tick=False):
        assert webhook_retries_due() == []


def test_a_manager_sends_a_given_up_delivery_again_and_an_agent_cannot(
    client, manager_user, agent_user, ticket, queued, django_capture_on_commit_callbacks
):
    delivery = delivery_to(ticket, "http://127.0.0.1:9")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=6, gave_up_at=START)
    url = reverse("admin:escalations_webhookdelivery_changelist")
    form = {"action": "deliver_again", "_selected_action": [delivery.pk]}

    client.force_login(agent_user)
    client.post(url, form)
    delivery.refresh_from_db()
    assert delivery.state == "gave up" and queued == []

    client.force_login(manager_user)
    assert client.get(url, {"state": "gave_up"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    assert "1 delivery(ies) queued again" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == "queued" and queued == [delivery.pk]
    assert ticket.events.filter(event_type=EventType.WEBHOOK_QUEUED).exists()
