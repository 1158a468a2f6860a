"""Firing due deadlines, exactly once.

A sweep claims due pending timers in batches (on PostgreSQL with
`SELECT … FOR UPDATE OF timer, ticket SKIP LOCKED`, so several sweepers share the work and a
ticket being changed right now is left for the next sweep) and fires each in its own savepoint
inside the batch's transaction. A firing and the timer's `fired` mark commit together: a crash
rolls both back and the deadline fires after the restart, once. A firing that raises is
retried later with a back-off, and parked after MAX_ATTEMPTS so it never blocks the rest.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_record, events_record_many
from escalations.core.models import EventType
from escalations.core.unit_of_work import undispatched, unit_of_work
from escalations.sla.models import ClockState, SlaClock, Timer, TimerKind, TimerState
from escalations.sla.services.ladders import ladder_fire
from escalations.sla.services.marks import SLA_ACTOR, sla_mark_event
from escalations.tickets.models import AuthorKind, Message, Ticket
from escalations.tickets.services.snooze import snooze_end

BATCH_SIZE = 200
MAX_ATTEMPTS = 5
MAX_BACKOFF_SECONDS = 300
TIMER_ACTOR = SLA_ACTOR


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    parked: int = 0
    lags: list | None = None  # seconds from due to fired, when asked for


def timers_sweep(
    *, batch_size: int = BATCH_SIZE, max_batches: int | None = None, measure_lag: bool = False
) -> SweepResult:
    """Fire every timer due now; returns how many fired, failed and were parked."""
    result = SweepResult(lags=[] if measure_lag else None)
    batches = 0
    while max_batches is None or batches < max_batches:
        claimed = _sweep_batch(batch_size, result)
        batches += 1
        if claimed < batch_size:
            break
    return result


def timers_fire_until(*, until: datetime) -> int:
    """Fire every deadline due up to `until` in the order they came due, each with the clock at
    its due time, as a sweeper running all along would have; returns how many fired.

    A replayed history (the demo's) settles its deadlines so: what would have fired in the
    past is recorded as fired then, not as a backlog at the moment of the replay."""
    fired = 0
    moment = None
    while True:
        due = (
            Timer.objects.filter(state=TimerState.PENDING, next_try_at__lte=until)
            .order_by("next_try_at", "id")
            .values_list("next_try_at", flat=True)
            .first()
        )
        if due is None:
            return fired
        # A firing may leave a deadline due before the moment reached: the clock never goes back.
        moment = due if moment is None else max(moment, due)
        with clock.frozen_at(moment):
            fired += timers_sweep().fired


def _due(now):
    queryset = Timer.objects.filter(state=TimerState.PENDING, next_try_at__lte=now).order_by(
        "next_try_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self", "ticket"))
    return queryset.select_related("ticket", "clock")


def _sweep_batch(batch_size: int, result: SweepResult) -> int:
    now = clock.now()
    with transaction.atomic():
        timers = list(_due(now)[:batch_size])
        fired = []
        _fire_all(timers, fired, result)
        if fired:
            # One statement for the batch: the mark commits with the firings, or neither does.
            Timer.objects.filter(pk__in=[t.pk for t in fired]).update(
                state=TimerState.FIRED, fired_at=clock.now()
            )
            for timer in fired:
                timer.state = TimerState.FIRED
        result.fired += len(fired)
        if result.lags is not None:
            result.lags.extend((t.fired_at - t.due_at).total_seconds() for t in fired)
    return len(timers)


def _fire_all(timers: list[Timer], fired: list[Timer], result: SweepResult) -> None:
    """The whole batch under one savepoint; if any firing fails, again one by one, so that
    only the failing ones are set aside."""
    try:
        with unit_of_work():
            grouped: dict[str, list[Timer]] = {}
            for timer in timers:
                if timer.kind in BATCH_HANDLERS:
                    grouped.setdefault(timer.kind, []).append(timer)
                else:
                    HANDLERS[timer.kind](timer)
            for kind, group in grouped.items():
                BATCH_HANDLERS[kind](group)
    except Exception:  # retried item by item below, where the failure is pinned down
        _refresh(timers)
    else:
        now = clock.now()
        for timer in timers:
            timer.fired_at = now
        fired.extend(timers)
        return
    _fire_one_by_one(timers, fired, result)


def _refresh(timers: list[Timer]) -> None:
    """Forget what the rolled-back attempt changed on the loaded rows."""
    for timer in timers:
        timer.ticket.refresh_from_db()
        if timer.clock is not None:
            timer.clock.refresh_from_db()


def _fire_one_by_one(timers: list[Timer], fired: list[Timer], result: SweepResult) -> None:
    for timer in timers:
        try:
            with unit_of_work():
                HANDLERS[timer.kind](timer)
        except Exception as exc:  # any failure is the item's, not the sweep's
            _failed(timer, exc, result)
            continue
        timer.fired_at = clock.now()
        fired.append(timer)


def _failed(timer: Timer, exc: Exception, result: SweepResult) -> None:
    timer.attempts += 1
    timer.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if timer.attempts >= MAX_ATTEMPTS:
        timer.state = TimerState.PARKED
        result.parked += 1
        with undispatched():
            event_record(
                ticket=timer.ticket,
                event_type=EventType.TIMER_PARKED,
                actor=TIMER_ACTOR,
                to_value=timer.get_kind_display(),
                reason=timer.last_error[:500],
                data={"timer": timer.pk, "attempts": timer.attempts},
            )
    else:
        backoff = min(2**timer.attempts, MAX_BACKOFF_SECONDS)
        timer.next_try_at = clock.now() + timedelta(seconds=backoff)
        result.failed += 1
    timer.save(update_fields=["attempts", "last_error", "state", "next_try_at"])


def timer_retry(*, timer: Timer, actor: Actor) -> Timer:
    """Put a parked timer back in the queue (the admin's retry)."""
    with transaction.atomic():
        updated = Timer.objects.filter(pk=timer.pk, state=TimerState.PARKED).update(
            state=TimerState.PENDING, attempts=0, next_try_at=clock.now()
        )
        if updated:
            event_record(
                ticket=timer.ticket,
                event_type=EventType.TIMER_RETRIED,
                actor=actor,
                to_value=timer.get_kind_display(),
                data={"timer": timer.pk},
            )
    timer.refresh_from_db()
    return timer


# What each kind of deadline does


def _sla_marks(timers: list[Timer], *, breach: bool) -> None:
    """Warnings or breaches of many clocks: one UPDATE and one INSERT for the lot."""
    stamp = "breached_at" if breach else "warned_at"
    fired_stamp = "breach_fired_at" if breach else "warning_fired_at"
    now = clock.now()
    marked, events = {}, []
    for timer in timers:
        row: SlaClock | None = timer.clock
        if row is None or not row.is_live or getattr(row, stamp) is not None:
            continue
        if not breach and row.breached_at is not None:
            continue
        if breach:
            state = ClockState.BREACHED
        else:
            state = ClockState.PAUSED if row.running_since is None else ClockState.WARNING
        marked[row.pk] = state
        if row.ticket_id == timer.ticket_id:
            row.ticket = timer.ticket  # loaded with the timer: the event needs no read of its own
        setattr(row, stamp, timer.due_at)
        setattr(row, fired_stamp, now)
        row.state = state
        events.append(sla_mark_event(row, due_at=timer.due_at, breach=breach))
    if not marked:
        return
    # Constant-size SQL whatever the batch: each clock takes its stamp from its own timer
    # (a correlated sub-select), one UPDATE per resulting state (at most two).
    stamps = Timer.objects.filter(pk__in=[t.pk for t in timers], clock=OuterRef("pk"))
    for state in set(marked.values()):
        SlaClock.objects.filter(pk__in=[pk for pk, s in marked.items() if s == state]).update(
            **{stamp: Subquery(stamps.values("due_at")[:1]), fired_stamp: now, "state": state}
        )
    events_record_many(events)


def _warnings(timers: list[Timer]) -> None:
    _sla_marks(timers, breach=False)


def _breaches(timers: list[Timer]) -> None:
    _sla_marks(timers, breach=True)


def _ladder(timer: Timer) -> None:
    if timer.clock is not None:
        ladder_fire(clock_row=timer.clock, level=timer.level)


def _snooze(timer: Timer) -> None:
    ticket = timer.ticket
    if ticket.snoozed_until is not None and ticket.snoozed_until <= timer.due_at:
        snooze_end(ticket=ticket, actor=TIMER_ACTOR, reason="The snooze time came.")


def _no_agent_reply(timer: Timer) -> None:
    """No public agent message since the customer's: tell the rules waiting this long."""
    message_id = int(timer.key.split(":", 1)[1])
    written = Message.objects.filter(pk=message_id).values_list("created_at", flat=True).first()
    if written is None:
        return
    answered = Message.objects.filter(
        ticket=timer.ticket_id,
        author_kind=AuthorKind.AGENT,
        is_internal=False,
        created_at__gte=written,
    ).exists()
    if answered or timer.ticket.status in ("resolved", "closed"):
        return
    event_record(
        ticket=timer.ticket,
        event_type=EventType.NO_AGENT_REPLY,
        actor=TIMER_ACTOR,
        to_value=f"{timer.level} min",
        data={"minutes": timer.level, "message": message_id},
    )


# One timer at a time…
HANDLERS = {
    TimerKind.SLA_WARNING: lambda timer: _warnings([timer]),
    TimerKind.SLA_BREACH: lambda timer: _breaches([timer]),
    TimerKind.LADDER: _ladder,
    TimerKind.SNOOZE: _snooze,
    TimerKind.NO_AGENT_REPLY: _no_agent_reply,
}
# Kinds another domain owns, registered at start-up (see `timer_kind_handle`).
HANDLED_BY: dict[str, str] = {}


def timer_kind_handle(kind: str, handler, *, owner: str) -> None:
    """A domain built on the timers (incidents: status-update reminders) handles this kind."""
    HANDLERS[kind] = handler
    HANDLED_BY[kind] = owner


# …or, for the kinds that can, a batch's worth at once.
BATCH_HANDLERS = {TimerKind.SLA_WARNING: _warnings, TimerKind.SLA_BREACH: _breaches}


def no_reply_timers_schedule(*, ticket: Ticket, message: Message, waits: set[int]) -> None:
    """A customer wrote: one deadline per 'no agent reply for X minutes' the rules wait for."""
    Timer.objects.bulk_create(
        [
            Timer(
                ticket=ticket,
                kind=TimerKind.NO_AGENT_REPLY,
                key=f"message:{message.pk}",
                level=minutes,
                due_at=message.created_at + timedelta(minutes=minutes),
                next_try_at=message.created_at + timedelta(minutes=minutes),
            )
            for minutes in sorted(waits)
        ],
        ignore_conflicts=True,
    )


def no_reply_timers_cancel(*, ticket: Ticket) -> None:
    """An agent answered: the pending 'no agent reply' deadlines no longer apply."""
    Timer.objects.filter(
        ticket=ticket, kind=TimerKind.NO_AGENT_REPLY, state=TimerState.PENDING
    ).delete()
