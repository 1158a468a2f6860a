"""Escalation matrices at work: when an escalation reaches a level, the matrix's contact for the
ticket's severity at that level is told how fast to respond."""

from escalations.core.actors import Actor
from escalations.governance.selectors import cells_reached
from escalations.tickets.models import Escalation, TeamMembership
from escalations.tickets.services.notifications import notification_send


def matrix_tell_escalation(*, escalation: Escalation, actor: Actor) -> None:
    ticket = escalation.ticket
    for cell in cells_reached(escalation):
        if cell.team_id is None:
            continue
        users = [
            m.agent.user
            for m in TeamMembership.objects.filter(team=cell.team_id).select_related("agent__user")
            if m.agent.user.is_active
        ]
        if not users:
            continue
        how = f" by {cell.channel}" if cell.channel else ""
        notification_send(
            ticket=ticket,
            recipients=users,
            message=f"Ticket {ticket.reference} reached {cell.level} at {cell.severity}: "
            f"{cell.contact} responds{how} within {cell.respond_within_minutes} min. "
            f"{ticket.subject}",
            actor=actor,
            source="matrix",
        )
