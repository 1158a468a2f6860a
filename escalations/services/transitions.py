"""Lifecycle moves: the only way a ticket's status changes."""

from django_fsm import can_proceed

from escalations import clock
from escalations.actors import Actor
from escalations.errors import IllegalTransition, StaleTicket
from escalations.lifecycle import TRANSITION_NAMES, available_transitions, transition_label
from escalations.models import CustomStatus, EventType, Ticket, TicketStatus
from escalations.services.dispatch import service
from escalations.services.events import event_record
from escalations.services.held import ticket_for_update
from escalations.services.processes import process_gate, process_status_entered
from escalations.services.tickets import (
    custom_status_moves,
    custom_status_of,
    default_custom_status,
    ticket_copy_saved,
)

ERR_UNKNOWN_TRANSITION = "There is no lifecycle step called {name!r}."
ERR_ILLEGAL = "Ticket {ref} is {current}: it cannot {label}. {allowed}"
ERR_STALE = (
    "Ticket {ref} changed since you looked at it: it is {current} now, not {expected}. "
    "Reload it and try again."
)
ERR_NEEDS_ESCALATION = "Escalate a ticket through an escalation, which carries its context."


def allowed_transitions(ticket: Ticket) -> list[str]:
    return [t.name for t in available_transitions(ticket)]


@service
def ticket_transition(
    *,
    ticket: Ticket,
    transition: str,
    actor: Actor,
    reason: str = "",
    expected_status: str | None = None,
    data: dict | None = None,
    _via_escalation: bool = False,
    _custom_status: CustomStatus | None = None,
) -> Ticket:
    """Move the ticket one step along its lifecycle, or refuse and change nothing.

    `expected_status` is the state the caller saw (a page, an API client): if the ticket has
    moved since, the move is refused rather than applied to a state nobody looked at.
    """
    if transition not in TRANSITION_NAMES:
        raise IllegalTransition(
            ERR_UNKNOWN_TRANSITION.format(name=transition),
            current=ticket.status,
            allowed=allowed_transitions(ticket),
        )
    if transition == "escalate" and not _via_escalation:
        raise IllegalTransition(
            ERR_NEEDS_ESCALATION, current=ticket.status, allowed=allowed_transitions(ticket)
        )
    locked = ticket_for_update(ticket.pk)
    current = locked.status
    if expected_status is not None and expected_status != current:
        raise StaleTicket(
            ERR_STALE.format(
                ref=locked.reference,
                current=TicketStatus(current).label,
                expected=TicketStatus(expected_status).label,
            ),
            current=current,
            allowed=allowed_transitions(locked),
        )
    method = getattr(locked, transition)
    if not can_proceed(method):
        allowed = allowed_transitions(locked)
        raise IllegalTransition(
            ERR_ILLEGAL.format(
                ref=locked.reference,
                current=TicketStatus(current).label,
                label=transition_label(transition).lower(),
                allowed=_allowed_sentence(locked, allowed),
            ),
            current=current,
            allowed=allowed,
        )
    old_custom = custom_status_of(locked)
    new_custom = default_custom_status(
        locked.workspace_id, method._django_fsm.get_transition(current).target
    )
    # Where the ticket lands: the custom status the caller moves it to next, else the state's
    # default one; a process may refuse it.
    landing = _custom_status or new_custom
    if landing is not None and landing != old_custom:
        process_gate(locked, landing)
    method()
    now = clock.now()
    target = locked.status
    stayed = (now - locked.status_changed_at).total_seconds()
    locked.status_changed_at = now
    locked.updated_at = now
    if target == TicketStatus.RESOLVED:
        locked.resolved_at = now
    elif transition == "reopen":
        locked.resolved_at = None  # the earlier resolution no longer stands
    if target == TicketStatus.CLOSED:
        locked.closed_at = now
    if target not in (TicketStatus.PENDING, TicketStatus.ON_HOLD):
        locked.snoozed_until = None
    if target == TicketStatus.ESCALATED and locked.escalated_at is None:
        locked.escalated_at = now
    locked.custom_status = new_custom
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
    event_record(
        ticket=locked,
        event_type=EventType.STATUS_CHANGED,
        actor=actor,
        from_value=current,
        to_value=target,
        reason=reason,
        stay_seconds=stayed,
        data={
            "transition": transition,
            "custom_status": locked.custom_status.name if locked.custom_status else None,
            "previous_custom_status": old_custom.name if old_custom else None,
            **(data or {}),
        },
    )
    if new_custom is not None and new_custom != old_custom and _custom_status in (None, new_custom):
        process_status_entered(locked, new_custom, actor)
    if target == TicketStatus.RESOLVED:
        locked.escalations.filter(resolved_at__isnull=True, is_rerouted=False).update(
            resolved_at=now
        )
    if (
        target in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        and locked.communications.filter(ended_at=None).exists()
    ):
        from escalations.services.communications import communications_end

        communications_end(ticket=locked, actor=actor, reason=f"The ticket is {target}.")
    ticket_copy_saved(ticket, locked)
    return locked


@service
def ticket_set_custom_status(
    *, ticket: Ticket, custom_status: CustomStatus | None, actor: Actor, reason: str = ""
) -> Ticket:
    """Put a workspace label on the ticket, moving its lifecycle state if the label needs it."""
    if custom_status is not None and custom_status.workspace_id != ticket.workspace_id:
        raise IllegalTransition(
            f"{custom_status.name} belongs to another workspace.",
            current=ticket.status,
            allowed=allowed_transitions(ticket),
        )
    locked = ticket_for_update(ticket.pk)
    if custom_status is not None:
        _check_move(locked, custom_status)
        process_gate(locked, custom_status)
    if custom_status is not None and custom_status.lifecycle_state != locked.status:
        step = _step_towards(locked, custom_status.lifecycle_state)
        if step is None:
            raise IllegalTransition(
                f"Ticket {locked.reference} is {locked.get_status_display()}: it cannot move to "
                f"{custom_status.name} ({custom_status.get_lifecycle_state_display()}) in one "
                "step.",
                current=locked.status,
                allowed=allowed_transitions(locked),
            )
        locked = ticket_transition(
            ticket=locked,
            transition=step,
            actor=actor,
            reason=reason,
            _custom_status=custom_status,
        )
    old = locked.custom_status
    if old == custom_status:
        return locked
    locked.custom_status = custom_status
    locked.updated_at = clock.now()
    locked.save(update_fields=["custom_status", "updated_at"])
    event_record(
        ticket=locked,
        event_type=EventType.CUSTOM_STATUS_CHANGED,
        actor=actor,
        from_value=old.name if old else "",
        to_value=custom_status.name if custom_status else "",
        reason=reason,
    )
    if custom_status is not None:
        process_status_entered(locked, custom_status, actor)
    if ticket is not locked:
        ticket.refresh_from_db()
    return locked


def _check_move(ticket: Ticket, custom_status: CustomStatus) -> None:
    """The moves a workspace allows out of the ticket's custom status, if it chose any."""
    current = custom_status_of(ticket)
    if current is None or current.pk == custom_status.pk:
        return
    allowed = custom_status_moves(ticket.workspace_id).get(current.pk)
    if allowed is None or custom_status.pk in allowed:
        return
    names = CustomStatus.objects.filter(pk__in=allowed).values_list("name", flat=True)
    raise IllegalTransition(
        f"Ticket {ticket.reference} is {current.name}: from there it may move to "
        f"{', '.join(names)}, not to {custom_status.name}.",
        current=ticket.status,
        allowed=allowed_transitions(ticket),
    )


def _allowed_sentence(ticket: Ticket, allowed: list[str]) -> str:
    if not allowed:
        return f"Nothing leads out of {ticket.get_status_display()}."
    sentence = "Allowed now: " + ", ".join(transition_label(name) for name in allowed)
    if any(t.name == "escalate" for t in available_transitions(ticket, with_escalate=True)):
        sentence += " (or escalate it)"
    return sentence + "."


def _step_towards(ticket: Ticket, target: str) -> str | None:
    for candidate in available_transitions(ticket):
        if candidate.target == target:
            return candidate.name
    return None
