"""Walking a ticket through its workspace's workflow in tests: the shortest path of allowed
moves to a status, with the sign-offs each gated status needs given on the way."""

from collections import deque

from escalations.core.actors import Actor
from escalations.governance.models import SignOffState, StepSignOff
from escalations.governance.services.processes import sign_off_decide
from escalations.tickets.models import Ticket
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.transitions import ticket_move
from tests.helpers.factories import UserFactory


def path_to(
    workspace_id: int, source: str, target: str, *, through_escalations: bool = False
) -> list[str]:
    """The slugs from `source` (excluded) to `target` along allowed moves that a person may
    make (moves into an escalated status are escalations, not plain moves, unless
    `through_escalations`)."""
    workflow = workflow_of(workspace_id)
    seen, queue = {source: None}, deque([source])
    while queue:
        slug = queue.popleft()
        if slug == target:
            break
        for nxt in workflow.next_statuses(workflow.get(slug)):
            passable = through_escalations or nxt.state != "escalated" or nxt.slug == target
            if nxt.slug not in seen and passable:
                seen[nxt.slug] = slug
                queue.append(nxt.slug)
    if target not in seen:
        raise AssertionError(f"no path from {source} to {target}")
    path, slug = [], target
    while slug != source:
        path.append(slug)
        slug = seen[slug]
    return path[::-1]


def give_sign_offs(ticket: Ticket) -> None:
    """Every pending sign-off of the ticket, approved by a superuser standing in."""
    owner = Actor.for_user(UserFactory(is_superuser=True))
    for sign_off in StepSignOff.objects.filter(ticket=ticket, state=SignOffState.PENDING):
        sign_off_decide(sign_off=sign_off, approve=True, actor=owner)


def walk_to(ticket: Ticket, target: str, actor: Actor) -> Ticket:
    """Move the ticket to `target` along the workflow, giving sign-offs where they gate."""
    ticket.refresh_from_db()
    for slug in path_to(ticket.workspace_id, ticket_status(ticket).slug, target):
        give_sign_offs(ticket)
        ticket = ticket_move(ticket=ticket, to_status=slug, actor=actor)
    return ticket
