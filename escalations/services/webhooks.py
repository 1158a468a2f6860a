"""Signed outgoing webhooks to configured integrations, delivered by the task queue."""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.core.exceptions import ValidationError
from django.db import transaction

from escalations import clock
from escalations.actors import Actor
from escalations.integrations import IntegrationConfig, IntegrationError, _opener, build_url
from escalations.models import (
    EventType,
    Integration,
    Ticket,
    WebhookDelivery,
    WebhookSubscription,
)
from escalations.services.dispatch import service
from escalations.services.events import event_record

ATTEMPTS = 3
SIGNATURE_HEADER = "X-Handoff-Signature"
SUBSCRIPTIONS_CACHE_SECONDS = 5
_subscriptions: dict = {"at": 0.0, "rows": None}


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@service
def webhook_queue(
    *, ticket: Ticket, integration_name: str, path: str, payload: dict, actor: Actor
) -> WebhookDelivery:
    integration = Integration.objects.filter(name=integration_name, is_active=True).first()
    if integration is None:
        raise ValidationError(f"There is no active integration called {integration_name!r}.")
    try:
        build_url(IntegrationConfig.from_model(integration), path, None)
    except IntegrationError as exc:
        raise ValidationError(str(exc)) from None
    delivery = WebhookDelivery.objects.create(
        integration=integration, ticket=ticket, path=path, payload=payload
    )
    event_record(
        ticket=ticket,
        event_type=EventType.WEBHOOK_QUEUED,
        actor=actor,
        to_value=f"{integration.name}{path}",
        data={"delivery": delivery.pk},
    )
    transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def ticket_payload(ticket: Ticket) -> dict:
    """What a webhook says about the ticket."""
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "tier": ticket.tier,
        "team": ticket.team.slug if ticket.team_id else None,
        "assignee": ticket.assignee.user.get_username() if ticket.assignee_id else None,
        "tags": ticket.tags,
    }


def subscriptions_for(event_type: str) -> list[WebhookSubscription]:
    """Active subscriptions to the event; read at most every few seconds per process (and at
    once after a change made in this one)."""
    now = time.monotonic()
    if _subscriptions["rows"] is None or now - _subscriptions["at"] > SUBSCRIPTIONS_CACHE_SECONDS:
        _subscriptions["rows"] = list(
            WebhookSubscription.objects.filter(
                is_active=True, integration__is_active=True
            ).select_related("integration")
        )
        _subscriptions["at"] = now
    return [row for row in _subscriptions["rows"] if event_type in row.events]


def subscriptions_changed(**kwargs) -> None:
    _subscriptions["rows"] = None


def webhook_fanout(event) -> list[WebhookDelivery]:
    """Queue a signed delivery of the event to every integration subscribed to it."""
    subscribed = subscriptions_for(event.event_type)
    if not subscribed:
        return []
    ticket = event.ticket
    payload = {
        "event": event.event_type,
        "at": event.created_at.isoformat(),
        "ticket": ticket_payload(ticket),
        "to": event.to_value,
        "reason": event.reason,
        "data": event.data,
    }
    deliveries = []
    for subscription in subscribed:
        delivery = WebhookDelivery.objects.create(
            integration=subscription.integration,
            ticket=ticket,
            path=subscription.path,
            payload=payload,
        )
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
        deliveries.append(delivery)
    return deliveries


def _enqueue(delivery_id: int) -> None:
    from django_q.tasks import async_task

    async_task("escalations.tasks.webhook_deliver_task", delivery_id)


def webhook_deliver(*, delivery_id: int, pause: float = 1.0) -> WebhookDelivery:
    """POST the payload, signed with the integration's credential; up to three attempts."""
    delivery = WebhookDelivery.objects.select_related("integration").get(pk=delivery_id)
    if delivery.delivered_at:
        return delivery
    config = IntegrationConfig.from_model(delivery.integration)
    body = json.dumps(delivery.payload, sort_keys=True, ensure_ascii=False).encode()
    for attempt in range(1, ATTEMPTS + 1):
        delivery.attempts = attempt
        try:
            url = build_url(config, delivery.path, None)
            request = urllib.request.Request(url, data=body, method="POST")
            request.add_header("Content-Type", "application/json")
            if config.credential:
                request.add_header(SIGNATURE_HEADER, sign(body, config.credential))
            with _opener.open(request, timeout=config.timeout) as response:
                delivery.status_code = response.status
            delivery.delivered_at, delivery.error = clock.now(), ""
            break
        except urllib.error.HTTPError as exc:
            delivery.status_code, delivery.error = exc.code, f"answered {exc.code}"
        except (IntegrationError, urllib.error.URLError, OSError) as exc:
            delivery.error = str(getattr(exc, "reason", exc))[:500]
        if attempt < ATTEMPTS:
            time.sleep(pause * attempt)
    delivery.save(update_fields=["attempts", "status_code", "error", "delivered_at"])
    return delivery
