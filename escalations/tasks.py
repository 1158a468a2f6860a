"""django-q2 entry points: thin, each hands its arguments to the services it names (their
dotted names are stored in queued tasks and schedules)."""

from escalations.core.api.idempotency_keys import idempotency_keys_purge
from escalations.incidents.services.communications import status_update_email
from escalations.rules.services.drills import drill_run
from escalations.rules.services.webhooks import webhook_deliver, webhook_retries_due
from escalations.sla.services.sweeper import LEASE_SECONDS, loop_seconds, sweeper_kick, sweeper_run
from escalations.tickets.services.api_tokens import api_tokens_purge
from escalations.tickets.services.notifications import notification_email


def drill_run_task(drill_id: int) -> None:
    drill_run(drill_id=drill_id)


def notification_email_task(*notification_ids: int) -> None:
    for notification_id in notification_ids:  # one already e-mailed is not sent again
        notification_email(notification_id=notification_id)


def webhook_deliver_task(delivery_id: int) -> None:
    webhook_deliver(delivery_id=delivery_id)


def sweeper_loop_task() -> int | None:
    """Fire deadlines for a while, then hand over to a fresh loop (see services.sweeper)."""
    from django_q.tasks import async_task

    fired = sweeper_run(seconds=loop_seconds(), wait=LEASE_SECONDS + 1)
    if fired is not None:
        async_task("escalations.tasks.sweeper_loop_task", task_name="handoff-sweeper")
    return fired


def sweeper_watchdog_task() -> bool:
    """Run by a django-q2 schedule every minute: restart the loop if its heartbeat stopped,
    queue the webhook deliveries due for another attempt, and forget idempotency keys older
    than a day and expired API tokens."""

    idempotency_keys_purge()
    api_tokens_purge()
    webhook_retries_due()
    return sweeper_kick()


def status_update_email_task(update_id: int) -> None:
    status_update_email(update_id=update_id)
