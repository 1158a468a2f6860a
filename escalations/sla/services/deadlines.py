"""A ticket's pending deadlines, derived from its live clocks and its snooze.

`deadlines_reconcile` replaces the pending timers with the ones the clocks now give, keeping
those that did not change; a deadline that already fired is never created again (the unique
key (ticket, key, level, due time) refuses it).
"""

from escalations.core.db.compiled import CompiledRead
from escalations.sla.models import ClockKind, SlaClock, Timer, TimerKind, TimerState
from escalations.tickets.models import Ticket

_TIMER_KINDS_FROM_CLOCKS = (
    TimerKind.SLA_WARNING,
    TimerKind.SLA_BREACH,
    TimerKind.LADDER,
    TimerKind.SNOOZE,
)

_pending = CompiledRead(
    lambda ticket_id: Timer.objects.filter(
        ticket=ticket_id, state=TimerState.PENDING, kind__in=_TIMER_KINDS_FROM_CLOCKS
    ).values_list("pk", "kind", "key", "level", "due_at", "clock_id")
)


def _desired_timers(ticket: Ticket, live_clocks: list[SlaClock]) -> set[tuple]:
    wanted = set()
    for row in live_clocks:
        if row.running_since is None or row.due_at is None:
            continue
        key = f"clock:{row.pk}"
        if row.kind == ClockKind.LADDER:
            wanted.add((TimerKind.LADDER, key, row.level, row.due_at, row.pk))
            continue
        if row.breached_at is None:
            wanted.add((TimerKind.SLA_BREACH, key, 0, row.due_at, row.pk))
            if row.warned_at is None and row.warning_at and row.warning_at < row.due_at:
                wanted.add((TimerKind.SLA_WARNING, key, 0, row.warning_at, row.pk))
    if ticket.snoozed_until is not None:
        wanted.add((TimerKind.SNOOZE, "snooze", 0, ticket.snoozed_until, None))
    return wanted


def deadlines_reconcile(ticket: Ticket, live_clocks: list[SlaClock]) -> None:
    wanted = _desired_timers(ticket, live_clocks)
    have = {
        (kind, key, level, due, clock_id): pk
        for pk, kind, key, level, due, clock_id in _pending(ticket.pk)
    }
    stale = [pk for spec, pk in have.items() if spec not in wanted]
    if stale:
        Timer.objects.filter(pk__in=stale).delete()
    missing = [spec for spec in wanted if spec not in have]
    if missing:
        Timer.objects.bulk_create(
            [
                Timer(
                    ticket=ticket,
                    kind=kind,
                    key=key,
                    level=level,
                    due_at=due,
                    next_try_at=due,
                    clock_id=clock_id,
                )
                for kind, key, level, due, clock_id in missing
            ],
            ignore_conflicts=True,  # that very deadline fired already: never again
        )
