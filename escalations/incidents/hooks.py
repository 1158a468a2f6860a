"""What incidents listen to: a ticket resolved or closed ends its communication plans, and a
status-update timer coming due reminds the plan's owner."""

from escalations.core.hooks import TICKET_ENTERED_STATUS
from escalations.incidents.services.communications import communications_end, status_update_due
from escalations.sla.models import TimerKind
from escalations.sla.services.timers import timer_kind_handle
from escalations.tickets.models import TicketStatus


def _ended(*, ticket, target, previous_row_id, step, actor) -> None:
    if (
        step
        and target.state in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        and ticket.communications.filter(ended_at=None).exists()
    ):
        communications_end(ticket=ticket, actor=actor, reason=f"The ticket is {target.state}.")


def register() -> None:
    TICKET_ENTERED_STATUS.listen(_ended, order=20, owner="incidents")
    timer_kind_handle(TimerKind.STATUS_UPDATE, status_update_due, owner="incidents")
