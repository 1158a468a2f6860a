"""Reading a workspace's workflow (kept with the configuration) and what it offers a ticket."""

from dataclasses import dataclass

from escalations.core.config_cache import config_cached
from escalations.core.hooks import TICKET_MOVE_GATES, WORKSPACE_SYSTEM_MOVES
from escalations.tickets.models import CustomStatus, Team, Ticket, TicketStatus, Workspace
from escalations.tickets.workflow import (
    LANDING_FIELDS,
    Status,
    SystemMove,
    Workflow,
    builtin_workflow,
)


def workflow_of(workspace_id: int) -> Workflow:
    """The workspace's workflow; the built-in one where it has no statuses of its own."""

    def read() -> Workflow:
        rows = list(CustomStatus.objects.filter(workspace=workspace_id).order_by("position", "pk"))
        if not rows:
            return builtin_workflow()
        slugs = {row.pk: row.slug for row in rows}
        through = CustomStatus.next_statuses.through.objects.filter(
            from_customstatus__workspace=workspace_id
        ).values_list("from_customstatus_id", "to_customstatus_id")
        landing_ids = (
            Workspace.objects.filter(pk=workspace_id).values(*LANDING_FIELDS.values()).first()
        ) or {}
        return Workflow(
            statuses=tuple(
                Status(
                    slug=row.slug,
                    name=row.name,
                    state=row.lifecycle_state,
                    id=row.pk,
                    is_default=row.is_default,
                    from_any=row.from_any_status,
                    position=row.position,
                )
                for row in rows
            ),
            moves=frozenset((slugs[a], slugs[b]) for a, b in through if a in slugs and b in slugs),
            landings={
                move: slugs[landing_ids[name]]
                for move, name in LANDING_FIELDS.items()
                if landing_ids.get(name) in slugs
            },
        )

    return config_cached("workflow", workspace_id, read)


def ticket_status(ticket: Ticket) -> Status:
    """The workflow status the ticket is in."""
    return workflow_of(ticket.workspace_id).current(
        state=ticket.status, status_id=ticket.custom_status_id
    )


@dataclass(frozen=True)
class Offer:
    """A move open to a ticket now, with the sign-offs it still waits for."""

    status: Status
    missing_sign_offs: tuple[str, ...] = ()
    needs_escalation: bool = False

    @property
    def is_open(self) -> bool:
        return not self.missing_sign_offs


def ticket_offers(ticket: Ticket) -> list[Offer]:
    """Every status the workflow lets the ticket move to now, with what still gates each."""
    workflow = workflow_of(ticket.workspace_id)
    current = ticket_status(ticket)
    return [
        Offer(
            status=target,
            missing_sign_offs=_missing_sign_offs(ticket, target),
            needs_escalation=target.state == "escalated" and current.state != "escalated",
        )
        for target in workflow.next_statuses(current)
    ]


def status_custom_row(status: Status) -> CustomStatus | None:
    """The CustomStatus row of a workflow status (None in the built-in workflow)."""
    if status.id is None:
        return None
    return config_cached(
        "custom_status_row", status.id, lambda: CustomStatus.objects.get(pk=status.id)
    )


def workspace_relied_on_moves(workspace_id: int, workflow: Workflow) -> list[str]:
    """The system moves a workspace's own configuration makes, which its workflow must allow
    from every status they start from: escalations (escalation teams, ladders, AI policies,
    rules), customers' replies to waiting tickets, and snoozes set by rules."""
    answers = [
        move for moves in WORKSPACE_SYSTEM_MOVES.ask(workspace_id=workspace_id) for move in moves
    ]
    escalates = (
        SystemMove.ESCALATION in answers
        or Team.objects.filter(workspace=workspace_id, is_escalation_target=True).exists()
    )
    moves = [SystemMove.ESCALATION] if escalates else []
    if any(s.state == TicketStatus.PENDING for s in workflow.statuses):
        # A snoozed ticket waits there, and comes back when the customer writes or the
        # snooze ends.
        moves += [SystemMove.REPLY, SystemMove.WAKE]
    if SystemMove.SNOOZE in answers:
        moves.append(SystemMove.SNOOZE)
    return moves


def _missing_sign_offs(ticket: Ticket, target: Status) -> tuple[str, ...]:
    """What the listeners of `ticket.move_gates` (work processes) say the move waits for."""
    return tuple(
        name for names in TICKET_MOVE_GATES.ask(ticket=ticket, target=target) for name in names
    )
