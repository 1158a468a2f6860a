"""Integrations subscribe to events (escalated, assigned, SLA warning and breach, verdicts)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError

from escalations.rules.models import Integration, WebhookDelivery, WebhookSubscription
from escalations.rules.services.webhooks import sign, webhook_deliver
from escalations.tickets.services.escalations import escalation_create
from tests.helpers.factories import AgentFactory

pytestmark = pytest.mark.django_db


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.path, self.headers["X-Handoff-Signature"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_escalation_is_pushed_signed_to_the_subscribed_integration(
    ticket, billing_team, actor, monkeypatch
):
    httpd = HTTPServer(("127.0.0.1", 0), Hook)
    monkeypatch.setenv("HANDOFF_INTEGRATION_PAGER", "pager-secret")
    pager = Integration.objects.create(
        name="pager",
        base_url=f"http://127.0.0.1:{httpd.server_address[1]}",
        credential_env="HANDOFF_INTEGRATION_PAGER",
    )
    WebhookSubscription.objects.create(
        integration=pager, path="/handoff", events=["ticket.escalated", "ticket.assigned"]
    )
    WebhookSubscription.objects.create(integration=pager, path="/sla", events=["sla.breached"])
    AgentFactory(team=billing_team, display_name="Priya")

    escalation_create(
        ticket=ticket,
        kind="agent_initiated",
        trigger="api",
        to_team=billing_team,
        summary="Refund",
        actor=actor,
    )

    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [d.payload["event"] for d in deliveries] == ["ticket.escalated", "ticket.assigned"]
    assert deliveries[0].payload["ticket"]["team"] == "billing"
    assert deliveries[1].payload["to"] == "Priya"
    Hook.received.clear()
    threading.Thread(target=httpd.handle_request, daemon=True).start()
    delivered = webhook_deliver(delivery_id=deliveries[0].pk)
    httpd.server_close()
    assert delivered.status_code == 200
    path, signature, body = Hook.received[0]
    assert path == "/handoff" and signature == sign(body, "pager-secret")
    assert json.loads(body)["event"] == "ticket.escalated"


def test_a_subscription_names_known_events_and_a_path(ticket):
    pager = Integration.objects.create(name="pager", base_url="https://pager.example.com")
    with pytest.raises(ValidationError, match="Unknown event"):
        WebhookSubscription(integration=pager, path="/x", events=["ticket.deleted"]).full_clean()
    with pytest.raises(ValidationError, match="starting with /"):
        WebhookSubscription(
            integration=pager, path="https://evil.example", events=["sla.warning"]
        ).full_clean()


def test_an_inactive_integration_gets_nothing(ticket, billing_team, actor):
    pager = Integration.objects.create(
        name="pager", base_url="https://pager.example.com", is_active=False
    )
    WebhookSubscription.objects.create(integration=pager, events=["ticket.escalated"])
    escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="api", to_team=billing_team, actor=actor
    )
    assert not WebhookDelivery.objects.exists()
