"""The audit events of a clock crossing its warning or its deadline.

The sweeper records them when the deadline's timer fires; a clock answered after its deadline
but before the timer fired records its breach when it stops. Either way the event is the same
and happens once: the mark (`warned_at`, `breached_at`) is set with it.
"""

from datetime import datetime

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_build, event_record
from escalations.core.models import EventType, TicketEvent
from escalations.sla.models import ClockKind, SlaClock

SLA_ACTOR = Actor.system("SLA")


def sla_mark_event(row: SlaClock, *, due_at: datetime, breach: bool) -> TicketEvent:
    """The unsaved event of a clock's warning or breach (the sweeper saves them in bulk).

    `due_at` is the crossing's own due time; a warning also says when the breach is due."""
    breach_due = row.due_at or due_at if breach else row.due_at
    data = {
        "clock": row.pk,
        "kind": row.kind,
        "due_at": (breach_due if breach else due_at).isoformat(),
        "target_minutes": round(row.target_seconds / 60, 2),
        "policy": row.policy_id,
    }
    if not breach:
        data["breach_due_at"] = breach_due.isoformat() if breach_due else None
    return event_build(
        ticket=row.ticket,
        event_type=EventType.SLA_BREACHED if breach else EventType.SLA_WARNING,
        actor=SLA_ACTOR,
        to_value=row.get_kind_display(),
        data=data,
    )


def sla_breach_at_stop(row: SlaClock) -> None:
    """Stopping past the deadline, before its timer fired: set the mark and record the breach
    now (the pending timer is dropped with the stopped clock)."""
    if row.breached_at is not None or row.kind == ClockKind.LADDER:
        return
    row.breached_at = row.due_at or row.stopped_at
    row.breach_fired_at = clock.now()
    event = sla_mark_event(row, due_at=row.breached_at, breach=True)
    event_record(
        ticket=row.ticket,
        event_type=event.event_type,
        actor=SLA_ACTOR,
        to_value=event.to_value,
        data=event.data,
    )
