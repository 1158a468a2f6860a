from datetime import timedelta

import pytest

from escalations.core.models import EventType
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.sla.models import ClockKind, ClockState, SlaClock, Timer, TimerKind, TimerState
from escalations.sla.services import timers
from escalations.sla.services.timers import timer_retry, timers_sweep
from escalations.tickets.models import AuthorKind, Priority, TicketStatus
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.snooze import ticket_snooze
from tests.helpers.factories import make_ticket
from tests.helpers.sla import START

pytestmark = pytest.mark.django_db


def live_rules(workspace, *rules):
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
    for fields in rules:
        rule_save(rule=Rule(rule_set=live, **fields))
    return live


def events(ticket, kind):
    return list(ticket.events.filter(event_type=kind).order_by("id"))


def test_nothing_fires_before_its_time(l1_team, actor, policy, time):
    with time.at(0):
        make_ticket(team=l1_team, actor=actor)
    with time.at(47.9):
        assert timers_sweep().fired == 0


def test_the_warning_and_the_breach_fire_once_each_and_mark_the_clock(l1_team, actor, policy, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(50):
        assert timers_sweep().fired == 1
        assert timers_sweep().fired == 0
    first = SlaClock.objects.get(ticket=ticket, kind=ClockKind.FIRST_RESPONSE)
    assert (first.state, first.warned_at) == (ClockState.WARNING, START + timedelta(minutes=48))
    with time.at(61):
        assert timers_sweep().fired == 1
    first.refresh_from_db()
    assert first.state == ClockState.BREACHED
    assert [e.to_value for e in events(ticket, EventType.SLA_WARNING)] == ["First response"]
    assert [e.to_value for e in events(ticket, EventType.SLA_BREACHED)] == ["First response"]


def test_a_late_sweep_fires_every_missed_deadline_in_order(l1_team, actor, policy, time):
    with time.at(0):
        tickets = [make_ticket(team=l1_team, actor=actor) for _ in range(3)]
    with time.at(1000):
        result = timers_sweep(batch_size=2, measure_lag=True)
    assert result.fired == 12  # 3 tickets, 2 clocks each, a warning and a breach per clock
    assert min(result.lags) > 0
    for ticket in tickets:
        assert len(events(ticket, EventType.SLA_BREACHED)) == 2


def test_firing_until_a_moment_fires_each_missed_deadline_at_its_own_due_time(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(1000):
        fired = timers.timers_fire_until(until=START + timedelta(minutes=500))
    assert fired == 4  # a warning and a breach for each of the two clocks
    marks = ticket.events.filter(event_type__in=[EventType.SLA_WARNING, EventType.SLA_BREACHED])
    assert list(marks.order_by("created_at").values_list("created_at", "to_value")) == [
        (START + timedelta(minutes=48), "First response"),
        (START + timedelta(minutes=60), "First response"),
        (START + timedelta(minutes=384), "Resolution"),
        (START + timedelta(minutes=480), "Resolution"),
    ]
    for timer in Timer.objects.filter(ticket=ticket):
        assert (timer.state, timer.fired_at) == (TimerState.FIRED, timer.due_at)


def test_a_rule_on_sla_breached_raises_the_priority_and_the_deadline_moves(
    l1_team, actor, policy, time
):
    live_rules(
        l1_team.workspace,
        {
            "name": "Breach: urgent",
            "triggers": ["sla_breached"],
            "condition": {"all": [{"field": "event.clock", "op": "is", "value": "first_response"}]},
            "actions": [{"type": "set_priority", "value": "urgent"}],
        },
    )
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(61):
        timers_sweep()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    resolution = SlaClock.objects.get(ticket=ticket, kind=ClockKind.RESOLUTION)
    assert resolution.due_at == START + timedelta(minutes=120)  # the urgent target


def test_a_recomputed_deadline_that_already_fired_does_not_fire_again(l1_team, actor, policy, time):
    from escalations.sla.services.sync import sla_sync

    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(61):
        timers_sweep()
        fired = Timer.objects.filter(ticket=ticket, state=TimerState.FIRED).count()
        sla_sync(ticket_id=ticket.pk)
        assert timers_sweep().fired == 0
    assert Timer.objects.filter(ticket=ticket, state=TimerState.FIRED).count() == fired


def test_a_failing_deadline_is_retried_with_back_off_then_parked_without_blocking_others(
    l1_team, actor, policy, time, monkeypatch
):
    with time.at(0):
        poison = make_ticket(team=l1_team, actor=actor, subject="Poison")
        healthy = make_ticket(team=l1_team, actor=actor, subject="Healthy")
    real = timers.HANDLERS[TimerKind.SLA_WARNING]

    def explode(timer):
        if timer.ticket_id == poison.pk:
            raise RuntimeError("the webhook host is down")
        real(timer)

    monkeypatch.setitem(timers.HANDLERS, TimerKind.SLA_WARNING, explode)
    # In a batch the failure rolls the batch back; the sweep then fires the rest one by one.
    monkeypatch.setitem(
        timers.BATCH_HANDLERS, TimerKind.SLA_WARNING, lambda group: [explode(t) for t in group]
    )
    minute = 50.0
    with time.at(minute):
        first = timers_sweep()
    assert (first.fired, first.failed) == (1, 1)
    assert events(healthy, EventType.SLA_WARNING)
    stuck = Timer.objects.get(
        ticket=poison, kind=TimerKind.SLA_WARNING, due_at=START + timedelta(minutes=48)
    )
    attempts = [stuck.attempts]
    for _ in range(timers.MAX_ATTEMPTS):
        minute += 6  # past any back-off
        with time.at(minute):
            timers_sweep()
        stuck.refresh_from_db()
        attempts.append(stuck.attempts)
    assert attempts[: timers.MAX_ATTEMPTS] == list(range(1, timers.MAX_ATTEMPTS + 1))
    assert stuck.state == TimerState.PARKED
    assert "the webhook host is down" in stuck.last_error
    assert events(poison, EventType.TIMER_PARKED)
    monkeypatch.setitem(timers.HANDLERS, TimerKind.SLA_WARNING, real)
    monkeypatch.setitem(timers.BATCH_HANDLERS, TimerKind.SLA_WARNING, timers._warnings)
    with time.at(minute):
        timer_retry(timer=stuck, actor=actor)
        assert timers_sweep().fired >= 1
    stuck.refresh_from_db()
    assert stuck.state == TimerState.FIRED


def test_a_snoozed_ticket_returns_on_time_and_fires_snooze_ended(l1_team, actor, time):
    live_rules(
        l1_team.workspace,
        {
            "name": "Back from snooze",
            "triggers": ["snooze_ended"],
            "actions": [{"type": "add_tags", "value": "was-snoozed"}],
        },
    )
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        ticket_snooze(ticket=ticket, until=START + timedelta(hours=2), actor=actor)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    with time.at(119):
        assert timers_sweep().fired == 0
    with time.at(120.01):
        assert timers_sweep().fired == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (TicketStatus.OPEN, None)
    assert "was-snoozed" in ticket.tags
    assert events(ticket, EventType.SNOOZE_ENDED)[0].reason == "The snooze time came."


def test_a_customer_reply_ends_the_snooze_at_once(l1_team, actor, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        ticket_snooze(ticket=ticket, until=START + timedelta(days=1), actor=actor)
    with time.at(10):
        message_add(ticket=ticket, author_kind=AuthorKind.CUSTOMER, body="Any news?", actor=actor)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.snoozed_until) == (TicketStatus.OPEN, None)
    assert events(ticket, EventType.SNOOZE_ENDED)[0].reason == "The customer replied."
    assert not Timer.objects.filter(ticket=ticket, state=TimerState.PENDING).exists()


def test_snoozing_refuses_the_past_and_resolved_tickets(l1_team, actor, time):
    from django.core.exceptions import ValidationError

    from escalations.tickets.services.transitions import ticket_step

    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        with pytest.raises(ValidationError, match="future"):
            ticket_snooze(ticket=ticket, until=START - timedelta(minutes=1), actor=actor)
        ticket_step(ticket=ticket, transition="resolve", actor=actor)
        with pytest.raises(ValidationError, match="resolved"):
            ticket_snooze(ticket=ticket, until=START + timedelta(hours=1), actor=actor)


def test_no_agent_reply_for_x_minutes_reaches_only_the_rules_waiting_that_long(
    l1_team, actor, time
):
    live_rules(
        l1_team.workspace,
        {
            "name": "30 minutes",
            "triggers": ["no_agent_reply"],
            "wait_minutes": 30,
            "actions": [{"type": "add_tags", "value": "waited-30"}],
        },
        {
            "name": "2 hours",
            "triggers": ["no_agent_reply"],
            "wait_minutes": 120,
            "actions": [{"type": "add_tags", "value": "waited-120"}],
        },
    )
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Hello?")
        answered = make_ticket(team=l1_team, actor=actor, body="Hello?")
    with time.at(20):
        message_add(ticket=answered, author_kind=AuthorKind.AGENT, body="Hi!", actor=actor)
    with time.at(31):
        timers_sweep()
    ticket.refresh_from_db()
    assert ticket.tags == ["waited-30"]
    with time.at(121):
        timers_sweep()
    ticket.refresh_from_db()
    answered.refresh_from_db()
    assert ticket.tags == ["waited-120", "waited-30"]
    assert answered.tags == []
