"""Signed outgoing webhooks to configured integrations, delivered by the task queue."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.rules.integrations import (
    IntegrationConfig,
    IntegrationError,
    build_url,
    no_redirect_opener,
)
from escalations.rules.models import Integration, WebhookDelivery
from escalations.rules.selectors import subscriptions_for, ticket_payload
from escalations.tickets.models import Ticket

# The pauses before the second, third... attempt: six attempts over about eight and a half
# hours, then the delivery is given up (and can be sent again by hand from the admin).
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
SIGNATURE_HEADER = "X-Handoff-Signature"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@ticket_service
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


def webhook_deliver(*, delivery_id: int) -> WebhookDelivery:
    """One attempt to POST the payload, signed with the integration's credential. A failed
    attempt is due again after the next pause in RETRY_AFTER; after the last, the delivery is
    given up and the ticket's audit trail says so."""
    delivery = WebhookDelivery.objects.select_related("integration").get(pk=delivery_id)
    if delivery.delivered_at or delivery.gave_up_at:
        return delivery
    delivery.attempts += 1
    delivery.next_attempt_at = None
    try:
        config = IntegrationConfig.from_model(delivery.integration)
        body = json.dumps(delivery.payload, sort_keys=True, ensure_ascii=False).encode()
        url = build_url(config, delivery.path, None)
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if config.credential:
            request.add_header(SIGNATURE_HEADER, sign(body, config.credential))
        with no_redirect_opener.open(request, timeout=config.timeout) as response:
            delivery.status_code = response.status
        delivery.delivered_at, delivery.error = clock.now(), ""
    except urllib.error.HTTPError as exc:
        delivery.status_code, delivery.error = exc.code, f"answered {exc.code}"
    except (IntegrationError, urllib.error.URLError, OSError) as exc:
        delivery.error = str(getattr(exc, "reason", exc))[:500]
    with transaction.atomic():
        if delivery.delivered_at is None:
            _after_failure(delivery)
        delivery.save(
            update_fields=[
                "attempts",
                "status_code",
                "error",
                "delivered_at",
                "next_attempt_at",
                "gave_up_at",
            ]
        )
    return delivery


def _after_failure(delivery: WebhookDelivery) -> None:
    now = clock.now()
    if delivery.attempts <= len(RETRY_AFTER):
        delivery.next_attempt_at = now + RETRY_AFTER[delivery.attempts - 1]
        return
    delivery.gave_up_at = now
    event_record(
        ticket=delivery.ticket,
        event_type=EventType.WEBHOOK_GAVE_UP,
        actor=Actor.system("webhooks"),
        to_value=f"{delivery.integration.name}{delivery.path}",
        reason=f"{delivery.attempts} attempts failed; the last: {delivery.error}",
        data={"delivery": delivery.pk, "attempts": delivery.attempts},
    )


def webhook_retries_due(*, limit: int = 500) -> list[int]:
    """Queue the deliveries whose next attempt is due (run every minute by the watchdog).
    Each is claimed under a lock, so two watchdogs never queue one twice."""
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            next_attempt_at__lte=clock.now(), delivered_at__isnull=True, gave_up_at__isnull=True
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=None)
        for pk in ids:
            transaction.on_commit(lambda pk=pk: _enqueue(pk))
    return ids


@ticket_service
def webhook_retry_now(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """A person asks for another attempt now (also after the delivery was given up)."""
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.delivered_at:
        raise ValidationError("This delivery has arrived already.")
    locked.gave_up_at = locked.next_attempt_at = None
    locked.save(update_fields=["gave_up_at", "next_attempt_at"])
    event_record(
        ticket=locked.ticket,
        event_type=EventType.WEBHOOK_QUEUED,
        actor=actor,
        to_value=f"{locked.integration.name}{locked.path}",
        reason="Delivered again on request.",
        data={"delivery": locked.pk, "retry": True},
    )
    transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked
