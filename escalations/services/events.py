from typing import Any

from escalations.actors import Actor
from escalations.models import Ticket, TicketEvent
from escalations.services.dispatch import event_recorded


def event_record(
    *,
    ticket: Ticket,
    event_type: str,
    actor: Actor,
    from_value: Any = "",
    to_value: Any = "",
    reason: str = "",
    data: dict | None = None,
) -> TicketEvent:
    """Append one audit row; call it inside the transaction that makes the change.

    Inside a unit of work the event is also queued for the rules (see `dispatch`).
    """
    event = TicketEvent.objects.create(
        ticket=ticket,
        event_type=event_type,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label[:150],
        from_value=_text(from_value),
        to_value=_text(to_value),
        reason=reason,
        data=data or {},
    )
    event_recorded(event)
    from escalations.services.sla import sla_on_event

    sla_on_event(event)
    return event


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:250]
