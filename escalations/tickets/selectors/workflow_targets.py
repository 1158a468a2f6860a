"""Which status a named move reaches, and what the workflow lets a ticket move to now: the
reads the move service, the API and the rules share (no writes here)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalations.core.errors import IllegalTransition, StatusMoveForbidden
from escalations.tickets.lifecycle import (
    TRANSITION_NAMES,
    TRANSITION_ORDER,
    transition_label,
    transitions,
)
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.workflow import Status, lifecycle_step

ERR_UNKNOWN_TRANSITION = gettext_lazy("There is no lifecycle step called {name!r}.")
ERR_UNKNOWN_STATUS = gettext_lazy("{workspace} has no status {slug!r}. Its statuses: {names}.")
ERR_STEP_NOT_ALLOWED = gettext_lazy("Ticket {ref} is {current}: it cannot {label}. {allowed}")
ERR_STEP_AMBIGUOUS = gettext_lazy("{label} leads to {names} here: name the status to move to.")


def allowed_statuses(ticket: Ticket) -> list[Status]:
    """The statuses the workflow lets the ticket move to now."""
    return workflow_of(ticket.workspace_id).next_statuses(ticket_status(ticket))


def allowed_transitions(ticket: Ticket) -> list[str]:
    """The lifecycle steps of the allowed moves (escalating is an escalation, not a step)."""
    current = ticket_status(ticket)
    steps = {lifecycle_step(current.state, s.state) for s in allowed_statuses(ticket)}
    return [name for name in TRANSITION_ORDER if name in steps and name != "escalate"]


def status_named(ticket: Ticket, slug: str) -> Status:
    """The workspace's status called `slug` (a lifecycle state's name where the workspace
    follows the built-in workflow), or a refusal that lists the workspace's statuses."""
    workflow = workflow_of(ticket.workspace_id)
    found = workflow.get(slug)
    if found is None:
        raise StatusMoveForbidden(
            ERR_UNKNOWN_STATUS.format(
                workspace=ticket.workspace,
                slug=slug,
                names=", ".join(f"{s.name} ({s.slug})" for s in workflow.statuses),
            ),
            current=ticket_status(ticket),
            allowed=allowed_statuses(ticket),
        )
    return found


def status_for_step(ticket: Ticket, transition: str) -> Status:
    """Where a lifecycle step ("resolve") leads this ticket (see `status_for_state`)."""
    if transition not in TRANSITION_NAMES:
        raise IllegalTransition(
            ERR_UNKNOWN_TRANSITION.format(name=transition),
            current=ticket.status,
            allowed=allowed_transitions(ticket),
        )
    target_state = _STEP_TARGETS[transition]
    current = ticket_status(ticket)
    if lifecycle_step(current.state, target_state) != transition:
        raise _cannot(ticket, current, transition_label(transition), allowed_statuses(ticket))
    return status_for_state(ticket, target_state, label=transition_label(transition))


def status_for_state(ticket: Ticket, state: str, *, label: str | None = None) -> Status:
    """The status a move into the lifecycle state `state` reaches: the one allowed status of
    that state, or the state's default among several. Refused when the workflow allows no
    move into the state, or several with none the default."""
    current = ticket_status(ticket)
    allowed = allowed_statuses(ticket)
    options = [s for s in allowed if s.state == state]
    label = label or _("Move to {state}").format(state=state_label(state))
    if not options:
        raise _cannot(ticket, current, label, allowed)
    if len(options) == 1:
        return options[0]
    default = next((s for s in options if s.is_default), None)
    if default is None:
        raise StatusMoveForbidden(
            ERR_STEP_AMBIGUOUS.format(label=label, names=or_list([s.name for s in options])),
            current=current,
            allowed=allowed,
        )
    return default


_STEP_TARGETS = {name: target for _source, name, target in transitions()}


def _cannot(ticket: Ticket, current: Status, label, allowed: list[Status]) -> StatusMoveForbidden:
    """The refusal of a lifecycle step that leads nowhere the workflow allows."""
    return StatusMoveForbidden(
        ERR_STEP_NOT_ALLOWED.format(
            ref=ticket.reference,
            current=current.name,
            label=str(label).lower(),
            allowed=_allowed_sentence(allowed),
        ),
        current=current,
        allowed=allowed,
    )


def state_label(value: str) -> str:
    try:
        return str(TicketStatus(value).label)
    except ValueError:
        return value


def or_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("{first} or {last}").format(first=", ".join(names[:-1]), last=names[-1])


def _allowed_sentence(allowed: list[Status]) -> str:
    if not allowed:
        return _("Nothing leads out of its status.")
    return _("It may move to {names}.").format(names=or_list([s.name for s in allowed]))
