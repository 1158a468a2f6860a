"""Escalation ladders: the levels a ticket climbs while its SLA is at risk.

A ladder is a clock of its own (kind `ladder`) that counts like the policy's resolution clock
(paused in the same statuses). `level` is the next step; its timer is due when the running
time reaches the sum of the timeouts so far. Steps are the levels, repeated `repeat` more times.
"""

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.sla.models import ClimbWhen, ClockKind, ClockState, LadderLevel, SlaClock
from escalations.sla.selectors import clock_calendar
from escalations.sla.services.sync import clock_run, clock_stop, sla_sync
from escalations.tickets.models import EscalationKind, Priority, Ticket, TicketStatus, Tier
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.notifications import notification_send
from escalations.tickets.services.tickets import ticket_update

_DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


def _ladder_steps(ladder) -> list[LadderLevel]:
    if ladder is None:
        return []
    levels = config_cached(
        "ladder_levels",
        ladder.pk,
        lambda: list(
            ladder.levels.select_related("to_team", "to_agent").order_by("position", "id")
        ),
    )
    return levels * (ladder.repeat + 1)


def ladder_drive(row, *, done, ticket, policy, calendar, pause, now) -> SlaClock | None:
    """Start, follow or stop the ticket's ladder clock for the policy's ladder."""

    ladder = policy.ladder
    steps = _ladder_steps(ladder)
    live = row is not None and row.is_live
    if live and (done or not steps or row.ladder_id != policy.ladder_id):
        reason = "done" if done else "ladder changed"
        row = clock_stop(row, now, ClockState.STOPPED, calendar=calendar, reason=reason)
        live = False
    if not live:
        if done or not steps or not _may_start(row, ladder):
            return row
        row = SlaClock(
            ticket=ticket,
            kind=ClockKind.LADDER,
            cycle=row.cycle + 1 if row is not None else 1,
            policy=policy,
            ladder=ladder,
            state=ClockState.RUNNING,
            target_seconds=steps[0].after_minutes * 60,
            business_hours=policy.business_hours,
            started_at=now,
            running_since=now,
            level=0,
        )
    return clock_run(row, target=None, policy=policy, calendar=calendar, pause=pause, now=now)


def _may_start(previous, ladder) -> bool:
    """A ladder starts once per ticket; again only after a reopen or for another ladder."""
    if previous is None:
        return True
    return previous.ladder_id != ladder.pk or previous.stop_reason == "done"


def _climb_holds(climb_when: str, ticket: Ticket) -> bool:
    if ticket.status in _DONE:
        return False
    if climb_when == ClimbWhen.NO_FIRST_RESPONSE:
        return ticket.first_response_at is None
    if climb_when == ClimbWhen.NOT_ACKNOWLEDGED:
        latest = ticket.escalations.order_by("-triggered_at", "-id").first()
        if latest is not None:
            return latest.first_human_response_at is None
        return ticket.first_response_at is None and ticket.status == TicketStatus.NEW
    return True  # not resolved


def ladder_fire(*, clock_row: SlaClock, level: int) -> None:
    """The ladder clock reached step `level`: climb if the level's condition still holds."""

    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=clock_row.ticket_id)
    )
    row = SlaClock.objects.select_related("ladder").get(pk=clock_row.pk)
    if not row.is_live or row.level != level:
        return
    steps = _ladder_steps(row.ladder)
    if level >= len(steps):
        return
    step = steps[level]
    calendar = _calendar(row)
    now = clock.now()
    if not _climb_holds(step.climb_when, ticket):
        clock_stop(
            row, now, ClockState.STOPPED, calendar=calendar, reason="condition no longer holds"
        )
        sla_sync(ticket_id=ticket.pk)
        return
    row.level = level + 1
    if row.level < len(steps):
        row.target_seconds += steps[row.level].after_minutes * 60
        row.save(update_fields=["level", "target_seconds"])
    else:
        clock_stop(row, now, ClockState.STOPPED, calendar=calendar, reason="last level reached")
    actor = Actor.system(f"ladder {row.ladder.name}")
    round_note = f" (round {level // max(len(steps) // (row.ladder.repeat + 1), 1) + 1})"
    event_record(
        ticket=ticket,
        event_type=EventType.LADDER_LEVEL,
        actor=actor,
        to_value=step.name,
        reason=f"{step.get_climb_when_display()} after {step.after_minutes} min{round_note}",
        data={"ladder": row.ladder_id, "level": level, "step": step.pk},
    )
    if step.raise_priority:
        higher = [p for p in Priority.values if p > ticket.priority]
        if higher:
            ticket_update(ticket=ticket, actor=actor, changes={"priority": min(higher)})
    team = step.to_team or ticket.team
    agent = step.to_agent  # without one, the team's strategy picks (escalation_create)
    to_tier = step.to_tier or (team.tier if step.to_team else min(ticket.tier + 1, Tier.L3))
    escalation_create(
        ticket=ticket,
        kind=EscalationKind.TIME_BASED,
        trigger=f"sla_ladder:{row.ladder.name}"[:80],
        to_team=team,
        to_agent=agent,
        to_tier=to_tier,
        summary=f"{step.name}: {step.get_climb_when_display().lower()} after "
        f"{step.after_minutes} minutes under {row.policy.name if row.policy else 'the SLA'}.",
        reasons=[f"Escalation ladder {row.ladder.name}, level {step.name}."],
        actor=actor,
    )
    if step.notify:
        notification_send(
            ticket=ticket,
            recipients=list(step.notify),
            message=f"Ticket {ticket.reference} reached {step.name} of {row.ladder.name}: "
            f"{ticket.subject}",
            actor=actor,
            source=f"ladder {row.ladder.name}",
        )
    sla_sync(ticket_id=ticket.pk)


def _calendar(row: SlaClock):
    return clock_calendar(row)
