"""Snoozing: a ticket leaves the active queue until a time, or until the customer writes."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError

from escalations import clock
from escalations.actors import Actor
from escalations.models import EventType, Ticket, TicketStatus
from escalations.services.dispatch import service
from escalations.services.events import event_record
from escalations.services.held import ticket_for_update
from escalations.services.tickets import ensure_not_closed
from escalations.services.transitions import ticket_transition

MAX_SNOOZE = timedelta(days=90)
_WAITING = (TicketStatus.PENDING, TicketStatus.ON_HOLD)
ERR_PAST = "Snooze until a moment in the future."
ERR_TOO_LONG = "Snooze for at most 90 days."
ERR_RESOLVED = "Ticket {ref} is resolved: there is nothing to come back to."


def snooze_check(*, ticket: Ticket, until: datetime) -> None:
    """Refuse a snooze time in the past, beyond 90 days, or for a resolved ticket."""
    now = clock.now()
    if until <= now:
        raise ValidationError({"snoozed_until": ERR_PAST})
    if until - now > MAX_SNOOZE:
        raise ValidationError({"snoozed_until": ERR_TOO_LONG})
    if ticket.status == TicketStatus.RESOLVED:
        raise ValidationError({"snoozed_until": ERR_RESOLVED.format(ref=ticket.reference)})


@service
def ticket_snooze(*, ticket: Ticket, until: datetime, actor: Actor, reason: str = "") -> Ticket:
    """Put the ticket aside until `until`; a working ticket first waits on the customer."""
    now = clock.now()
    locked = ticket_for_update(ticket.pk)
    ensure_not_closed(locked)
    snooze_check(ticket=locked, until=until)
    if locked.status not in _WAITING:
        locked = ticket_transition(
            ticket=locked,
            transition="wait_on_customer",
            actor=actor,
            reason=reason or f"Snoozed until {until:%Y-%m-%d %H:%M %Z}",
        )
    before = locked.snoozed_until
    locked.snoozed_until = until
    locked.updated_at = now
    locked.save(update_fields=["snoozed_until", "updated_at"])
    event_record(
        ticket=locked,
        event_type=EventType.SNOOZED,
        actor=actor,
        from_value=before.isoformat() if before else "",
        to_value=until.isoformat(),
        reason=reason,
        data={"field": "snoozed_until", "until": until.isoformat()},
    )
    if ticket is not locked:
        ticket.refresh_from_db()
    return locked


@service
def snooze_end(*, ticket: Ticket, actor: Actor, reason: str) -> Ticket:
    """Bring a snoozed ticket back to the queue (Open) and fire `snooze ended` for the rules."""
    locked = ticket_for_update(ticket.pk)
    if locked.snoozed_until is None:
        return locked
    until = locked.snoozed_until
    locked.snoozed_until = None
    locked.updated_at = clock.now()
    locked.save(update_fields=["snoozed_until", "updated_at"])
    event_record(
        ticket=locked,
        event_type=EventType.SNOOZE_ENDED,
        actor=actor,
        from_value=until.isoformat(),
        reason=reason,
        data={"field": "snoozed_until", "until": until.isoformat()},
    )
    if locked.status in _WAITING:
        locked = ticket_transition(ticket=locked, transition="resume", actor=actor, reason=reason)
    if ticket is not locked:
        ticket.refresh_from_db()
    return locked
