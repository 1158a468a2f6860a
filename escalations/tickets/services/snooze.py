"""Snoozing: a ticket leaves the active queue until a time, or until the customer writes."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_record
from escalations.core.held import ticket_for_update
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.tickets import ensure_not_closed
from escalations.tickets.services.transitions import ticket_move, ticket_system_move
from escalations.tickets.workflow import SystemMove

MAX_SNOOZE = timedelta(days=90)
_WAITING = (TicketStatus.PENDING, TicketStatus.ON_HOLD)
ERR_PAST = "Snooze until a moment in the future."
ERR_TOO_LONG = "Snooze for at most 90 days."
ERR_RESOLVED = "Ticket {ref} is resolved: there is nothing to come back to."
ERR_NO_WAITING_STATUS = gettext_lazy("The workflow has no status for a snoozed ticket to wait in.")
ERR_SNOOZE_NOT_ALLOWED = gettext_lazy(
    "A snoozed ticket waits in {landing}, and the workflow does not allow {current} → {landing}."
)


def snooze_check(*, ticket: Ticket, until: datetime) -> None:
    """Refuse a snooze time in the past, beyond 90 days, or for a resolved ticket."""
    now = clock.now()
    if until <= now:
        raise ValidationError({"snoozed_until": ERR_PAST})
    if until - now > MAX_SNOOZE:
        raise ValidationError({"snoozed_until": ERR_TOO_LONG})
    if ticket.status == TicketStatus.RESOLVED:
        raise ValidationError({"snoozed_until": ERR_RESOLVED.format(ref=ticket.reference)})
    if ticket.status not in _WAITING:
        workflow = workflow_of(ticket.workspace_id)
        landing = workflow.landing(SystemMove.SNOOZE)
        if landing is None:
            raise ValidationError({"snoozed_until": ERR_NO_WAITING_STATUS})
        current = ticket_status(ticket)
        if not workflow.may_move(current, landing):
            raise ValidationError(
                {
                    "snoozed_until": ERR_SNOOZE_NOT_ALLOWED.format(
                        current=current.name, landing=landing.name
                    )
                }
            )


@ticket_service
def ticket_snooze(*, ticket: Ticket, until: datetime, actor: Actor, reason: str = "") -> Ticket:
    """Put the ticket aside until `until`; a working ticket first moves where the workflow puts
    snoozed tickets (a status of Pending), if its workflow allows that move."""
    now = clock.now()
    locked = ticket_for_update(ticket.pk)
    ensure_not_closed(locked)
    snooze_check(ticket=locked, until=until)
    if locked.status not in _WAITING:
        landing = workflow_of(locked.workspace_id).landing(SystemMove.SNOOZE)
        if landing is None:
            raise ValidationError({"snoozed_until": ERR_NO_WAITING_STATUS})
        locked = ticket_move(
            ticket=locked,
            to_status=landing.slug,
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


@ticket_service
def snooze_end(
    *, ticket: Ticket, actor: Actor, reason: str, move: SystemMove = SystemMove.WAKE
) -> Ticket:
    """Bring a snoozed ticket back to work, where the workflow lands `move` (a snooze that
    ends, or the customer's reply), and fire `snooze ended` for the rules."""
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
        locked = ticket_system_move(ticket=locked, move=move, actor=actor, reason=reason)
    if ticket is not locked:
        ticket.refresh_from_db()
    return locked
