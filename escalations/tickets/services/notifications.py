"""Telling people about a ticket: in-app notifications, e-mailed by the task queue."""

from django.db import transaction

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.models import Notification, Ticket
from escalations.tickets.selectors.tickets import resolve_recipients


@ticket_service
def notification_send(
    *, ticket: Ticket, recipients: list[str], message: str, actor: Actor, source: str = ""
) -> list[Notification]:
    users = resolve_recipients(ticket, recipients)
    text = message or f"Ticket {ticket.reference} needs your attention: {ticket.subject}"
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, ticket=ticket, message=text, source=source) for user in users]
    )
    event_record(
        ticket=ticket,
        event_type=EventType.NOTIFIED,
        actor=actor,
        to_value=", ".join(user.get_username() for user in users)[:250],
        reason=text,
        data={"notifications": [n.pk for n in notifications]},
    )
    emailed = [n.pk for n in notifications if n.recipient.email]
    if emailed:
        transaction.on_commit(lambda: _enqueue_emails(emailed))
    return notifications


def _enqueue_emails(notification_ids: list[int]) -> None:
    """One task e-mails everyone told in the same transaction."""
    from django_q.tasks import async_task

    async_task("escalations.tasks.notification_email_task", *notification_ids)


def notification_email(*, notification_id: int) -> None:
    """Send one notification by e-mail (the task queue calls this)."""
    from django.conf import settings
    from django.core.mail import send_mail

    notification = Notification.objects.select_related("recipient", "ticket").get(
        pk=notification_id
    )
    if notification.emailed_at:
        return
    send_mail(
        subject=f"[Handoff] {notification.ticket.reference} {notification.ticket.subject}"[:200],
        message=notification.message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.recipient.email],
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=clock.now())
