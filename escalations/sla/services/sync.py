"""Keeping a ticket's SLA clocks and deadlines true, in the transaction of every change.

`sla_on_event` runs for each audit event that can move a clock (arrival, status, custom status,
priority and the fields policies match on, messages). It chooses the policy, brings each clock
up to date (running, paused, met, stopped), and replaces the ticket's pending deadlines with
the ones its clocks now give. The sweeper (`timers`) fires those deadlines.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.db.compiled import CompiledRead
from escalations.core.events import event_record
from escalations.core.held import ticket_for_update
from escalations.core.models import EventType, TicketEvent
from escalations.core.unit_of_work import ticket_service
from escalations.sla.clocks import (
    ClockReading,
    advance,
    moment_reaching,
    warning_amount,
)
from escalations.sla.models import ClockKind, ClockState, SlaClock, SlaPolicy
from escalations.sla.selectors import (
    clock_calendar,
    pause_reason,
    pinned_policy,
    policy_calendar,
    policy_for,
    policy_target,
)
from escalations.sla.services.deadlines import deadlines_reconcile
from escalations.sla.services.marks import SLA_ACTOR, sla_breach_at_stop
from escalations.tickets.models import ACTIVE_STATUSES, AuthorKind, Ticket, TicketStatus

_clocks = CompiledRead(
    lambda ticket_id: (
        SlaClock.objects.filter(ticket=ticket_id).select_related("policy").order_by("kind", "cycle")
    )
)
ERR_POLICY_ELSEWHERE = _("The SLA policy belongs to another workspace.")
MATCHED_FIELDS = ("priority", "topic", "channel", "store", "customer")
_DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
_TARGET_FIELD = {
    ClockKind.FIRST_RESPONSE: "first_response_minutes",
    ClockKind.NEXT_RESPONSE: "next_response_minutes",
    ClockKind.RESOLUTION: "resolution_minutes",
}


def sla_on_event(event: TicketEvent) -> None:
    """Called by `event_record` for every event, inside its transaction."""
    kind = event.event_type
    if kind == EventType.FIELD_CHANGED and event.data.get("field") not in MATCHED_FIELDS:
        return
    if kind not in (
        EventType.TICKET_CREATED,
        EventType.STATUS_CHANGED,
        EventType.CUSTOM_STATUS_CHANGED,
        EventType.FIELD_CHANGED,
        EventType.MESSAGE_ADDED,
        EventType.FIRST_RESPONSE,
        EventType.SNOOZED,
        EventType.SNOOZE_ENDED,
    ):
        return
    sla_sync(ticket_id=event.ticket_id, event=event)


# Keeping clocks true


@ticket_service
def sla_apply_policy(
    *, ticket: Ticket, policy: SlaPolicy | None, actor: Actor, reason: str = ""
) -> Ticket:
    """Put a policy on the ticket by hand (a person or a rule); None goes back to matching.

    The pin is its own audit event, also when the ticket had that policy already."""
    locked = ticket_for_update(ticket.pk)
    if policy is not None and policy.workspace_id != locked.workspace_id:
        raise ValidationError({"sla_policy": ERR_POLICY_ELSEWHERE})
    locked.sla_policy_pinned = policy is not None
    locked.save(update_fields=["sla_policy_pinned"])
    event_record(
        ticket=locked,
        event_type=EventType.SLA_POLICY_PINNED,
        actor=actor,
        to_value=policy.name if policy else "",
        reason=reason,
        data={"policy": policy.pk if policy else None},
    )
    sla_sync(ticket_id=locked.pk, policy=policy, actor=actor)
    locked.refresh_from_db()
    return locked


def sla_sync(
    *,
    ticket_id: int,
    event: TicketEvent | None = None,
    policy: SlaPolicy | None = None,
    actor: Actor = SLA_ACTOR,
) -> None:
    now = clock.now()
    ticket = ticket_for_update(ticket_id)
    if policy is None:
        policy = pinned_policy(ticket) if ticket.sla_policy_pinned else policy_for(ticket)
    if (policy.pk if policy else None) != ticket.sla_policy_id:
        _record_policy(ticket, policy, actor)
    latest: dict[str, SlaClock] = {}
    for row in _clocks(ticket.pk):
        row.ticket = ticket
        latest[row.kind] = row
    if policy is None:
        for row in latest.values():
            if row.is_live:
                clock_stop(
                    row, now, ClockState.STOPPED, calendar=clock_calendar(row), reason="no policy"
                )
    else:
        _drive_all(ticket, policy, latest, event, now)
    deadlines_reconcile(ticket, [c for c in latest.values() if c.is_live])
    due = min(
        (
            c.due_at
            for c in latest.values()
            if c.is_live and c.kind != ClockKind.LADDER and c.due_at is not None
        ),
        default=None,
    )
    if due != ticket.sla_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


def _record_policy(ticket: Ticket, policy: SlaPolicy | None, actor: Actor) -> None:
    before = ticket.sla_policy
    ticket.sla_policy = policy
    Ticket.objects.filter(pk=ticket.pk).update(sla_policy=policy)
    event_record(
        ticket=ticket,
        event_type=EventType.SLA_POLICY_APPLIED,
        actor=actor,
        from_value=before.name if before else "",
        to_value=policy.name if policy else "",
        data={"policy": policy.pk if policy else None},
    )


def _drive_all(ticket, policy, latest, event, now) -> None:
    calendar = policy_calendar(policy, ticket)
    pause = pause_reason(ticket, policy)
    done = ticket.status in _DONE
    target = policy_target(policy, ticket.priority)

    def seconds(kind):
        minutes = getattr(target, _TARGET_FIELD[kind]) if target else None
        return None if minutes is None else minutes * 60

    common = {"ticket": ticket, "policy": policy, "calendar": calendar, "pause": pause, "now": now}
    latest[ClockKind.FIRST_RESPONSE] = _drive(
        latest.get(ClockKind.FIRST_RESPONSE),
        kind=ClockKind.FIRST_RESPONSE,
        target=seconds(ClockKind.FIRST_RESPONSE),
        finished=ticket.first_response_at is not None,
        stop_state=ClockState.MET if ticket.first_response_at else ClockState.STOPPED,
        done=done,
        **common,
    )
    latest[ClockKind.RESOLUTION] = _drive(
        latest.get(ClockKind.RESOLUTION),
        kind=ClockKind.RESOLUTION,
        target=seconds(ClockKind.RESOLUTION),
        finished=done,
        stop_state=ClockState.MET,
        done=done,
        **common,
    )
    latest[ClockKind.NEXT_RESPONSE] = _drive_next_response(
        latest.get(ClockKind.NEXT_RESPONSE),
        event=event,
        target=seconds(ClockKind.NEXT_RESPONSE),
        done=done,
        **common,
    )
    # Imported here, not at the top: escalations.sla.services.ladders imports this module (a cycle).
    from escalations.sla.services.ladders import ladder_drive

    latest[ClockKind.LADDER] = ladder_drive(latest.get(ClockKind.LADDER), done=done, **common)
    for kind in [k for k, v in latest.items() if v is None]:
        del latest[kind]


def _drive(row, *, kind, target, finished, stop_state, done, ticket, policy, calendar, pause, now):
    """Bring one clock up to date; create it when the policy gives a target."""
    if row is None or not row.is_live:
        if target is None or finished or done:
            return row
        # A clock that starts late (a policy applied after arrival) counts from the arrival.
        start = ticket.created_at if row is None else now
        row = _start(row, kind=kind, ticket=ticket, policy=policy, start=start)
    if target is None:
        return clock_stop(row, now, ClockState.STOPPED, calendar=calendar)
    if finished or done:
        state = ClockState.BREACHED if row.breached_at else stop_state
        return clock_stop(row, now, state, calendar=calendar, reason="done" if done else "")
    return clock_run(row, target=target, policy=policy, calendar=calendar, pause=pause, now=now)


def _drive_next_response(row, *, event, target, done, ticket, policy, calendar, pause, now):
    customer_wrote, agent_wrote = _message_author(event)
    live = row is not None and row.is_live
    if live and (done or agent_wrote or target is None):
        state = ClockState.MET if agent_wrote and not row.breached_at else None
        return clock_stop(row, now, state or _row_final_state(row), calendar=calendar)
    if not live and customer_wrote and ticket.first_response_at and target and not done:
        cycle = row.cycle + 1 if row is not None else 1
        row = SlaClock(ticket=ticket, kind=ClockKind.NEXT_RESPONSE, cycle=cycle)
        row = _start(row, kind=ClockKind.NEXT_RESPONSE, ticket=ticket, policy=policy, start=now)
        live = True
    if not live:
        return row
    return clock_run(row, target=target, policy=policy, calendar=calendar, pause=pause, now=now)


def _row_final_state(row: SlaClock) -> str:
    return ClockState.BREACHED if row.breached_at else ClockState.STOPPED


def _message_author(event) -> tuple[bool, bool]:
    if event is None or event.event_type != EventType.MESSAGE_ADDED:
        return False, False
    data = event.data
    if data.get("internal") or data.get("opening"):
        return False, False
    return data.get("author_kind") == AuthorKind.CUSTOMER, data.get(
        "author_kind"
    ) == AuthorKind.AGENT


def _start(row, *, kind, ticket, policy, start) -> SlaClock:
    if row is None:
        row = SlaClock(ticket=ticket, kind=kind, cycle=1)
    elif row.stopped_at is not None:  # revived (a reopened ticket): the gap did not count
        row.pauses = [*row.pauses, [row.stopped_at.isoformat(), start.isoformat(), "stopped"]]
    row.policy = policy
    row.started_at = row.started_at or start
    row.running_since = start
    row.stopped_at = None
    row.stop_reason = ""
    row.state = ClockState.BREACHED if row.breached_at else ClockState.RUNNING
    row.target_seconds = row.target_seconds or 0
    row.business_hours = policy.business_hours
    return row


def clock_run(row, *, target, policy, calendar, pause, now) -> SlaClock:
    """Keep a live clock running or paused, with its target and due times."""
    was_running = row.running_since is not None
    if was_running and pause is not None:
        reading = advance(calendar, _reading(row), now, running=False)
        row.elapsed_seconds, row.running_since = reading.elapsed.total_seconds(), None
        row.pauses = [*row.pauses, [now.isoformat(), None, pause]]
    elif not was_running and pause is None:
        row.running_since = now
        if row.pauses and row.pauses[-1][1] is None:
            row.pauses = [*row.pauses[:-1], [row.pauses[-1][0], now.isoformat(), row.pauses[-1][2]]]
    row.policy = policy
    row.business_hours = policy.business_hours
    if row.kind != ClockKind.LADDER:
        row.target_seconds = target
    reading = _reading(row)
    row.due_at = moment_reaching(calendar, reading, timedelta(seconds=row.target_seconds))
    warn = warning_amount(timedelta(seconds=row.target_seconds), policy.warning_percent)
    row.warning_at = (
        moment_reaching(calendar, reading, warn)
        if warn is not None and row.kind != ClockKind.LADDER
        else None
    )
    if row.breached_at:
        row.state = ClockState.BREACHED
    elif row.running_since is None:
        row.state = ClockState.PAUSED
    elif row.warned_at:
        row.state = ClockState.WARNING
    else:
        row.state = ClockState.RUNNING
    row.save()
    return row


def clock_stop(row, now, state, *, calendar, reason: str = "") -> SlaClock:
    if row.running_since is not None:
        reading = advance(calendar, _reading(row), now, running=False)
        row.elapsed_seconds = reading.elapsed.total_seconds()
    if row.pauses and row.pauses[-1][1] is None:
        row.pauses = [*row.pauses[:-1], [row.pauses[-1][0], now.isoformat(), row.pauses[-1][2]]]
    row.running_since = None
    row.stopped_at = now
    late = row.elapsed_seconds > row.target_seconds and row.kind != ClockKind.LADDER
    if state == ClockState.MET and late:
        sla_breach_at_stop(row)
        state = ClockState.BREACHED
    row.state = state
    row.stop_reason = reason[:80]
    row.save()
    if state == ClockState.MET and row.kind != ClockKind.LADDER:
        event_record(
            ticket=row.ticket,
            event_type=EventType.SLA_MET,
            actor=SLA_ACTOR,
            to_value=row.get_kind_display(),
            data={"clock": row.pk, "kind": row.kind, "elapsed_seconds": row.elapsed_seconds},
        )
    return row


def _reading(row: SlaClock) -> ClockReading:
    return ClockReading(timedelta(seconds=row.elapsed_seconds), row.running_since)


# Configuration changes


def sla_recompute(tickets) -> int:
    """Bring the clocks of these tickets (the working ones among them) up to date."""
    count = 0
    for pk in tickets.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True).iterator():
        sla_sync(ticket_id=pk)
        count += 1
    return count


def sla_policy_changed(policy: SlaPolicy) -> int:
    """A policy, its targets or its ladder changed: its tickets, and the tickets matching may
    now move to it or away from it, get new deadlines in this transaction."""
    workspace_tickets = Ticket.objects.filter(workspace=policy.workspace_id)
    affected = workspace_tickets.filter(Q(sla_policy=policy) | Q(sla_policy_pinned=False))
    return sla_recompute(affected)


def sla_calendar_changed(calendar) -> int:
    """Opening hours or holidays changed: tickets counting on this calendar are recomputed."""
    uses = Q(sla_policy__calendar=calendar)
    if calendar.is_default:
        uses |= Q(sla_policy__calendar__isnull=True, workspace=calendar.workspace_id)
    return sla_recompute(Ticket.objects.filter(uses, sla_policy__business_hours=True))
