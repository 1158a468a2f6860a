"""Adding to a ticket's conversation."""

from django.core.exceptions import ValidationError

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.db.compiled import insert_one
from escalations.core.events import event_record
from escalations.core.held import held_note, held_set, ticket_held
from escalations.core.hooks import AGENT_REPLIED, CUSTOMER_WROTE
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.kept import agent_names
from escalations.tickets.models import AuthorKind, Message, Ticket, TicketStatus
from escalations.tickets.services.snooze import snooze_end
from escalations.tickets.services.tickets import ensure_not_closed
from escalations.tickets.services.transitions import ticket_system_move
from escalations.tickets.workflow import SystemMove

ERR_EMPTY_BODY = "A message needs some text."
ERR_CUSTOMER_NOTE = "Only agents, the AI and the system write internal notes."
HUMAN_RESPONSE_KINDS = (AuthorKind.AGENT,)


@ticket_service
def message_add(
    *,
    ticket: Ticket,
    author_kind: str,
    body: str,
    actor: Actor,
    is_internal: bool = False,
    author_user=None,
    author_name: str = "",
    opening: bool = False,
) -> Message:
    """Append a message; an agent's first public reply stamps the first human response."""
    if not body or not body.strip():
        raise ValidationError({"body": ERR_EMPTY_BODY})
    ensure_not_closed(ticket)
    if is_internal and author_kind == AuthorKind.CUSTOMER:
        raise ValidationError({"is_internal": ERR_CUSTOMER_NOTE})
    if author_user is None and author_kind == AuthorKind.AGENT:
        author_user = actor.user
    if not author_name:
        author_name = _author_name(ticket, author_kind, author_user)
    now = clock.now()
    message = insert_one(
        Message(
            ticket=ticket,
            author_kind=author_kind,
            author_user=author_user,
            author_name=author_name,
            body=body.strip(),
            is_internal=is_internal,
            created_at=now,
        )
    )
    event_record(
        ticket=ticket,
        event_type=EventType.NOTE_ADDED if is_internal else EventType.MESSAGE_ADDED,
        actor=actor,
        data={
            "message": message.pk,
            "author_kind": author_kind,
            "internal": is_internal,
            # The message a ticket opens with is not a reply.
            **({"opening": True} if opening else {}),
        },
    )
    if author_kind in HUMAN_RESPONSE_KINDS and not is_internal:
        _record_human_response(ticket=ticket, actor=actor, at=now)
        AGENT_REPLIED.emit(ticket=ticket)
    stamps = {"updated_at": now}
    if author_kind == AuthorKind.CUSTOMER:
        stamps["last_customer_message_at"] = now
    elif author_kind == AuthorKind.AGENT and not is_internal:
        stamps["last_agent_message_at"] = now
    Ticket.objects.filter(pk=ticket.pk).update(**stamps)
    held_set(ticket.pk, **stamps)
    if author_kind == AuthorKind.CUSTOMER:
        held_note(ticket.pk, "latest_customer_body", message.body)
    if author_kind == AuthorKind.CUSTOMER:
        _customer_wrote(ticket=ticket, message=message, actor=actor)
    return message


def _customer_wrote(*, ticket: Ticket, message: Message, actor: Actor) -> None:
    """A snoozed ticket, or one waiting on the customer, comes back at once (where its
    workflow lands a reply); then the listeners of `ticket.customer_wrote` start their 'no
    agent reply' deadlines and hand the ticket to a person if the customer asked for one."""
    held = ticket_held(ticket.pk)
    snoozed, state = (
        (held.snoozed_until, held.status)
        if held is not None
        else Ticket.objects.filter(pk=ticket.pk).values_list("snoozed_until", "status").get()
    )
    why = "The customer replied."
    if snoozed is not None:
        snooze_end(ticket=ticket, actor=actor, reason=why, move=SystemMove.REPLY)
    elif state == TicketStatus.PENDING:
        ticket_system_move(ticket=ticket, move=SystemMove.REPLY, actor=actor, reason=why)
    CUSTOMER_WROTE.emit(ticket=ticket, message=message, actor=actor)


def _record_human_response(*, ticket: Ticket, actor: Actor, at) -> None:
    updated = Ticket.objects.filter(pk=ticket.pk, first_response_at__isnull=True).update(
        first_response_at=at
    )
    if updated:
        ticket.first_response_at = at
        held_set(ticket.pk, first_response_at=at)
        event_record(ticket=ticket, event_type=EventType.FIRST_RESPONSE, actor=actor)
    waiting = ticket.escalations.filter(
        first_human_response_at__isnull=True, resolved_at__isnull=True, is_rerouted=False
    )
    for escalation in waiting:
        escalation.first_human_response_at = at
        escalation.save(update_fields=["first_human_response_at"])
        event_record(
            ticket=ticket,
            event_type=EventType.ESCALATION_RESPONDED,
            actor=actor,
            data={"escalation": escalation.pk},
        )


def _author_name(ticket: Ticket, author_kind: str, user) -> str:
    if author_kind == AuthorKind.CUSTOMER:
        return ticket.customer.name
    if author_kind == AuthorKind.AI:
        return "AI assistant"
    if author_kind == AuthorKind.SYSTEM:
        return "Handoff"
    if user is not None:
        name = agent_names().get(user.pk)
        return name or user.get_full_name() or user.get_username()
    return "Agent"
