"""Escalation matrices at work: when an escalation reaches a level, the matrix's contact for the
ticket's severity at that level is told how fast to respond."""

from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.governance.models import EscalationMatrix
from escalations.governance.models.matrix import PRIORITY_SOURCE
from escalations.tickets.models import Escalation, Priority, TeamMembership, Ticket
from escalations.tickets.services.notifications import notification_send

# The most severe first, as a matrix lists its severities.
_PRIORITIES = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def ticket_severity(matrix: EscalationMatrix, ticket: Ticket) -> str | None:
    """The ticket's severity in the matrix's terms, or None if it has none there."""
    if matrix.severity_source == PRIORITY_SOURCE:
        rank = _PRIORITIES.index(ticket.priority) if ticket.priority in _PRIORITIES else None
        severities = matrix.severities
        return severities[rank] if rank is not None and rank < len(severities) else None
    value = (ticket.custom_fields or {}).get(matrix.severity_source)
    return value if value in matrix.severities else None


def _matrices(workspace_id: int) -> tuple:
    return config_cached(
        "escalation_matrices",
        workspace_id,
        lambda: tuple(
            (matrix, tuple(matrix.cells.all()))
            for matrix in EscalationMatrix.objects.filter(workspace=workspace_id)
        ),
    )


def cells_reached(escalation: Escalation) -> list:
    """The cells an escalation reaches: those of the receiving team for the ticket's severity,
    or, where a level names no team, the level of the same rank as the receiving tier."""
    ticket = escalation.ticket
    reached = []
    for matrix, cells in _matrices(ticket.workspace_id):
        severity = ticket_severity(matrix, ticket)
        if severity is None:
            continue
        row = [c for c in cells if c.severity == severity]
        by_team = [c for c in row if c.team_id and c.team_id == escalation.to_team_id]
        if by_team:
            reached += by_team
            continue
        rank = escalation.to_tier - 1
        if 0 <= rank < len(matrix.levels):
            level = matrix.levels[rank]
            reached += [c for c in row if c.level == level and not c.team_id]
    return reached


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
