from typing import Any

from django.db.models import Model

from escalations.core.actors import Actor
from escalations.core.db.compiled import insert_many, insert_one
from escalations.core.hooks import EVENT_RECORDED
from escalations.core.models import TicketEvent
from escalations.core.unit_of_work import event_recorded


def event_record(
    *,
    ticket: Model,
    event_type: str,
    actor: Actor,
    from_value: Any = "",
    to_value: Any = "",
    reason: str = "",
    data: dict | None = None,
    stay_seconds: float | None = None,
) -> TicketEvent:
    """Append one audit row; call it inside the transaction that makes the change.

    Inside a unit of work the event is also queued for the rules (`unit_of_work`: dispatched
    once the unit's own writes are done); `ticket.event_recorded` tells the listeners now.
    """
    event = event_build(
        ticket=ticket,
        event_type=event_type,
        actor=actor,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        data=data,
        stay_seconds=stay_seconds,
    )
    insert_one(event)
    _recorded(event)
    return event


def events_record_many(events: list[TicketEvent]) -> list[TicketEvent]:
    """Append many events built by `event_build` in one statement (the sweeper's batches)."""
    created = insert_many(events)
    for event in created:
        _recorded(event)
    return created


def event_build(
    *,
    ticket: Model,
    event_type: str,
    actor: Actor,
    from_value: Any = "",
    to_value: Any = "",
    reason: str = "",
    data: dict | None = None,
    stay_seconds: float | None = None,
) -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        event_type=event_type,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label[:150],
        from_value=_text(from_value),
        to_value=_text(to_value),
        reason=reason,
        data=data or {},
        stay_seconds=stay_seconds,
    )


def _recorded(event: TicketEvent) -> None:
    event_recorded(event)  # queued for the rules, when inside a unit of work
    EVENT_RECORDED.emit(event=event)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:250]
