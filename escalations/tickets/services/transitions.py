"""Moves between a workspace's statuses: the only way a ticket's status changes.

Every move, a person's, a rule's or the system's own, goes through `ticket_move` or
`ticket_system_move`. Both lock the ticket, check the workspace's workflow (the graph of
allowed moves), the lifecycle step that the move needs and the sign-offs that gate the target,
then change the status and write the audit event in the same transaction.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.errors import (
    IllegalTransition,
    SignOffMissing,
    StaleTicket,
    StatusMoveForbidden,
)
from escalations.core.events import event_build, event_record, events_record_many
from escalations.core.held import ticket_for_update
from escalations.core.hooks import TICKET_ENTERED_STATUS, TICKET_MOVING
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.selectors.workflow_targets import (
    allowed_transitions,
    or_list,
    state_label,
    status_for_step,
    status_named,
)
from escalations.tickets.selectors.workflows import status_custom_row, ticket_status, workflow_of
from escalations.tickets.services.tickets import ticket_copy_saved
from escalations.tickets.workflow import (
    SYSTEM_MOVE_STATE,
    Status,
    SystemMove,
    Workflow,
    bare_status,
    lifecycle_step,
)

ERR_FORBIDDEN = gettext_lazy(
    "Ticket {ref} is {current}: from there it may move to {allowed}, not to {target}."
)
ERR_ALREADY = gettext_lazy("Ticket {ref} is {current} already.")
ERR_DEAD_END = gettext_lazy("Ticket {ref} is {current}: nothing leads out of it.")
ERR_NO_STEP = gettext_lazy(
    "Ticket {ref} is {current} ({current_state}): it cannot move to {target} "
    "({target_state}), as no lifecycle step leads from {current_state} to {target_state}."
)
ERR_STALE = gettext_lazy(
    "Ticket {ref} changed since you looked at it: it is {current} now, not {expected}. "
    "Reload it and try again."
)
ERR_NEEDS_ESCALATION = gettext_lazy(
    "{target} is reached by an escalation, which carries its context: escalate the ticket."
)
BLOCKED_NOWHERE = gettext_lazy("The workflow has no status for {move} to land in.")
BLOCKED_NOT_ALLOWED = gettext_lazy(
    "The workflow does not allow {current} → {target}: the ticket stays {current}."
)


@ticket_service
def ticket_move(
    *,
    ticket: Ticket,
    to_status: str,
    actor: Actor,
    reason: str = "",
    expected_status: str | None = None,
    data: dict | None = None,
) -> Ticket:
    """Move the ticket to the workspace status `to_status` (a slug), or refuse and change
    nothing: the workflow must allow the move from where the ticket is, and the target's
    sign-offs must be given.

    `expected_status` is what the caller saw (a status slug, or a lifecycle state): if the
    ticket has moved since, the move is refused rather than applied to a state nobody saw.
    """
    locked = ticket_for_update(ticket.pk)
    workflow = workflow_of(locked.workspace_id)
    current = ticket_status(locked)
    _check_expected(locked, workflow, current, expected_status)
    target = status_named(locked, to_status)
    if target.state == TicketStatus.ESCALATED and current.state != TicketStatus.ESCALATED:
        raise StatusMoveForbidden(
            ERR_NEEDS_ESCALATION.format(target=target.name),
            current=current,
            allowed=workflow.next_statuses(current),
        )
    if target.slug == current.slug:
        if locked.custom_status_id == target.id:
            raise StatusMoveForbidden(
                ERR_ALREADY.format(ref=locked.reference, current=current.name),
                current=current,
                allowed=workflow.next_statuses(current),
            )
        # A ticket from before its workspace had statuses takes the status it is in.
        current = bare_status(locked.status)
    elif not workflow.may_move(current, target):
        allowed = workflow.next_statuses(current)
        raise StatusMoveForbidden(
            _refusal(workflow, locked, current, target, allowed), current=current, allowed=allowed
        )
    try:
        TICKET_MOVING.emit(ticket=locked, target=target)  # sign-off gates may refuse
    except SignOffMissing as exc:  # said from where the ticket is, with where it may go
        exc.current, exc.allowed = current, workflow.next_statuses(current)
        raise
    return _apply(ticket, locked, current, target, actor=actor, reason=reason, data=data)


@ticket_service
def ticket_step(
    *,
    ticket: Ticket,
    transition: str,
    actor: Actor,
    reason: str = "",
    expected_status: str | None = None,
) -> Ticket:
    """A move named by its lifecycle step ("resolve"), where that names one status."""
    if transition == "escalate":
        raise IllegalTransition(
            _("Escalate a ticket through an escalation, which carries its context."),
            current=ticket.status,
            allowed=allowed_transitions(ticket),
        )
    locked = ticket_for_update(ticket.pk)
    _check_expected(
        locked, workflow_of(locked.workspace_id), ticket_status(locked), expected_status
    )
    target = status_for_step(locked, transition)
    moved = ticket_move(ticket=locked, to_status=target.slug, actor=actor, reason=reason)
    ticket_copy_saved(ticket, moved)
    return moved


@ticket_service
def ticket_system_move(
    *,
    ticket: Ticket,
    move: SystemMove,
    actor: Actor,
    reason: str = "",
    to_status: str | None = None,
    data: dict | None = None,
) -> Ticket:
    """A move the system makes (an escalation, a snooze that ends, a customer's reply). It
    lands where the workflow says (`to_status` where the caller chose among the statuses the
    move may reach). A ticket already in the move's lifecycle state stays where it is. Where
    the workflow does not allow the move from the ticket's status, the ticket stays too, and
    the audit trail says so (`ticket.move_blocked`): never a silent bypass."""
    locked = ticket_for_update(ticket.pk)
    workflow = workflow_of(locked.workspace_id)
    current = ticket_status(locked)
    target = workflow.get(to_status) if to_status else workflow.landing(move)
    if to_status and (target is None or target.state != SYSTEM_MOVE_STATE[move]):
        raise StatusMoveForbidden(
            _("{status} is not where {move} can land.").format(
                status=target.name if target else to_status, move=SystemMove(move).label
            ),
            current=current,
            allowed=workflow.next_statuses(current),
        )
    if target is not None and (
        target.slug == current.slug or (not to_status and target.state == current.state)
    ):
        return locked
    if target is None:
        return _blocked(ticket, locked, move, current, None, actor, BLOCKED_NOWHERE, reason=reason)
    if not workflow.may_move(current, target):
        if to_status:  # a status the caller chose: refused, as a person's move would be
            allowed = workflow.next_statuses(current)
            raise StatusMoveForbidden(
                _refusal(workflow, locked, current, target, allowed),
                current=current,
                allowed=allowed,
            )
        return _blocked(
            ticket, locked, move, current, target, actor, BLOCKED_NOT_ALLOWED, reason=reason
        )
    try:
        TICKET_MOVING.emit(ticket=locked, target=target)  # sign-off gates may refuse
    except IllegalTransition as exc:
        return _blocked(ticket, locked, move, current, target, actor, exc.message, reason=reason)
    return _apply(ticket, locked, current, target, actor=actor, reason=reason, data=data, move=move)


def _apply(
    ticket: Ticket,
    locked: Ticket,
    current: Status,
    target: Status,
    *,
    actor: Actor,
    reason: str,
    data: dict | None,
    move: str | None = None,
) -> Ticket:
    step = lifecycle_step(current.state, target.state)
    now = clock.now()
    old_row = locked.custom_status_id
    locked.custom_status = status_custom_row(target)
    locked.updated_at = now
    details = {
        "from_status": current.slug,
        "to_status": target.slug,
        "custom_status": target.name if target.id else None,
        "previous_custom_status": current.name if current.id else None,
        **({"move": str(move)} if move else {}),
        **(data or {}),
    }
    if step:
        getattr(locked, step)()
        stayed = (now - locked.status_changed_at).total_seconds()
        locked.status_changed_at = now
        if target.state == TicketStatus.RESOLVED:
            locked.resolved_at = now
        elif step == "reopen":
            locked.resolved_at = None  # the earlier resolution no longer stands
        if target.state == TicketStatus.CLOSED:
            locked.closed_at = now
        if target.state not in (TicketStatus.PENDING, TicketStatus.ON_HOLD):
            locked.snoozed_until = None
        if target.state == TicketStatus.ESCALATED and locked.escalated_at is None:
            locked.escalated_at = now
        locked.save(
            update_fields=[
                "status",
                "status_changed_at",
                "updated_at",
                "resolved_at",
                "closed_at",
                "snoozed_until",
                "custom_status",
                "escalated_at",
            ]
        )
        events = [
            event_build(
                ticket=locked,
                event_type=EventType.STATUS_CHANGED,
                actor=actor,
                from_value=current.state,
                to_value=target.state,
                reason=reason,
                stay_seconds=stayed,
                data={"transition": step, **details},
            )
        ]
    else:
        locked.save(update_fields=["custom_status", "updated_at"])
        events = []
    if target.id is not None:
        # The workspace status changed too: what rules on "field changed" and the audit trail
        # read in the workspace's words (the lifecycle event keeps the states).
        events.append(
            event_build(
                ticket=locked,
                event_type=EventType.CUSTOM_STATUS_CHANGED,
                actor=actor,
                from_value=current.name,
                to_value=target.name,
                reason=reason,
                data=details,
            )
        )
    events_record_many(events)
    if step and target.state == TicketStatus.RESOLVED:
        locked.escalations.filter(resolved_at__isnull=True, is_rerouted=False).update(
            resolved_at=now
        )
    # Sign-offs asked where a process opens, communication plans ended on resolve.
    TICKET_ENTERED_STATUS.emit(
        ticket=locked, target=target, previous_row_id=old_row, step=step, actor=actor
    )
    ticket_copy_saved(ticket, locked)
    return locked


def _blocked(
    ticket: Ticket,
    locked: Ticket,
    move: str,
    current: Status,
    target: Status | None,
    actor: Actor,
    why: str,
    *,
    reason: str,
) -> Ticket:
    label = SystemMove(move).label
    message = why.format(move=label, current=current.name, target=target.name if target else "—")
    event_record(
        ticket=locked,
        event_type=EventType.MOVE_BLOCKED,
        actor=actor,
        from_value=current.name,
        to_value=target.name if target else "",
        reason=message,
        data={
            "move": str(move),
            "from_status": current.slug,
            "to_status": target.slug if target else None,
            "cause": reason,
        },
    )
    ticket_copy_saved(ticket, locked)
    return locked


def _refusal(
    workflow: Workflow, ticket: Ticket, current: Status, target: Status, allowed: list[Status]
) -> str:
    if workflow.is_chosen(current, target) and not current.is_final:
        return ERR_NO_STEP.format(
            ref=ticket.reference,
            current=current.name,
            target=target.name,
            current_state=current.state_label,
            target_state=target.state_label,
        )
    if not allowed:
        return ERR_DEAD_END.format(ref=ticket.reference, current=current.name)
    return ERR_FORBIDDEN.format(
        ref=ticket.reference,
        current=current.name,
        allowed=or_list([s.name for s in allowed]),
        target=target.name,
    )


def _check_expected(
    ticket: Ticket, workflow: Workflow, current: Status, expected: str | None
) -> None:
    if expected is None:
        return
    named = workflow.get(expected)
    seen = named.slug == current.slug if named is not None else expected == current.state
    if seen:
        return
    raise StaleTicket(
        ERR_STALE.format(
            ref=ticket.reference,
            current=current.name,
            expected=named.name if named is not None else state_label(expected),
        ),
        current=current,
        allowed=workflow.next_statuses(current),
    )
