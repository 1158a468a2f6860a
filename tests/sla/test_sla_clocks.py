from datetime import UTC, datetime, timedelta

import pytest

from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.sla.models import (
    BusinessCalendar,
    ClockKind,
    ClockState,
    SlaClock,
    Timer,
    TimerKind,
    TimerState,
)
from escalations.sla.selectors import policy_for
from escalations.sla.services.sync import sla_apply_policy, sla_calendar_changed
from escalations.sla.services.timers import timers_sweep
from escalations.tickets.models import (
    AuthorKind,
    CustomerTier,
    CustomStatus,
    Priority,
    TicketStatus,
)
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.tickets import ticket_update
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import CustomerFactory, make_ticket
from tests.helpers.sla import START, make_policy

pytestmark = pytest.mark.django_db


def clock_of(ticket, kind, cycle=None) -> SlaClock:
    rows = SlaClock.objects.filter(ticket=ticket, kind=kind).order_by("-cycle")
    return rows.get(cycle=cycle) if cycle else rows.first()


def pending(ticket, kind=None):
    rows = Timer.objects.filter(ticket=ticket, state=TimerState.PENDING)
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("kind", "due_at"))


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_the_first_matching_policy_wins_and_the_default_catches_the_rest(l1_team, actor):
    workspace = l1_team.workspace
    default = make_policy(workspace, name="Everyone")
    vip = make_policy(
        workspace, name="VIP", is_default=False, position=1, match_customer_tiers=["vip"]
    )
    billing = make_policy(
        workspace, name="Billing", is_default=False, position=2, match_topics=["Billing"]
    )
    vip_customer = CustomerFactory(tier=CustomerTier.VIP)
    assert policy_for(make_ticket(team=l1_team, topic="billing", customer=vip_customer)) == vip
    assert policy_for(make_ticket(team=l1_team, topic="BILLING")) == billing
    assert policy_for(make_ticket(team=l1_team, topic="returns")) == default


def test_a_new_ticket_gets_clocks_with_due_times_and_pending_deadlines(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Help")
    ticket.refresh_from_db()
    assert ticket.sla_policy == policy
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.state, first.target_seconds, first.due_at) == ("running", 3600, at(60))
    assert first.warning_at == at(48)  # 80 % of an hour
    assert clock_of(ticket, ClockKind.RESOLUTION).due_at == at(480)
    assert ticket.sla_due_at == at(60)
    assert pending(ticket) == [
        (TimerKind.SLA_BREACH, at(60)),
        (TimerKind.SLA_BREACH, at(480)),
        (TimerKind.SLA_WARNING, at(48)),
        (TimerKind.SLA_WARNING, at(384)),
    ]
    assert ticket.events.filter(event_type=EventType.SLA_POLICY_APPLIED).exists()


def test_business_hours_carry_a_deadline_over_the_weekend(l1_team, actor):
    make_policy(l1_team.workspace, business_hours=True)
    friday_late = datetime(2026, 3, 6, 16, 30, tzinfo=UTC)
    from escalations.core import clock

    with clock.frozen_at(friday_late):
        ticket = make_ticket(team=l1_team, actor=actor)
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert first.due_at == datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # Monday


def test_waiting_on_the_customer_pauses_the_clocks_and_resuming_moves_the_deadline(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(10):
        ticket_step(ticket=ticket, transition="wait_on_customer", actor=actor)
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.state, first.due_at, first.elapsed_seconds) == ("paused", None, 600)
    assert pending(ticket) == []
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None
    with time.at(30):
        ticket_step(ticket=ticket, transition="resume", actor=actor)
    first.refresh_from_db()
    assert (first.state, first.due_at) == ("running", at(80))
    assert first.pauses == [[at(10).isoformat(), at(30).isoformat(), "Pending"]]


def test_a_custom_status_chosen_by_the_policy_pauses_too(l1_team, actor, policy, time):
    waiting_vendor = CustomStatus.objects.create(
        workspace=l1_team.workspace, name="Waiting on vendor", lifecycle_state=TicketStatus.OPEN
    )
    policy.pause_custom_statuses.add(waiting_vendor)
    from escalations.tickets.services.transitions import ticket_move

    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(5):
        ticket_move(ticket=ticket, to_status=waiting_vendor.slug, actor=actor)
    assert clock_of(ticket, ClockKind.FIRST_RESPONSE).state == ClockState.PAUSED


def test_a_priority_change_recomputes_the_deadlines_in_the_same_transaction(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(5):
        ticket_update(ticket=ticket, actor=actor, changes={"priority": Priority.URGENT})
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.target_seconds, first.due_at) == (900, at(15))
    assert (TimerKind.SLA_BREACH, at(15)) in pending(ticket)
    assert (TimerKind.SLA_BREACH, at(60)) not in pending(ticket)


def test_a_priority_without_a_target_stops_its_clocks(l1_team, actor, policy, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(5):
        ticket_update(ticket=ticket, actor=actor, changes={"priority": Priority.LOW})
    assert clock_of(ticket, ClockKind.FIRST_RESPONSE).state == ClockState.STOPPED
    assert pending(ticket) == []


def test_the_first_agent_reply_meets_the_first_response_target(l1_team, actor, policy, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Help")
    with time.at(20):
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="On it", actor=actor)
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.state, first.elapsed_seconds) == ("met", 1200)
    assert [k for k, _ in pending(ticket)] == [TimerKind.SLA_BREACH, TimerKind.SLA_WARNING]
    assert ticket.events.filter(event_type=EventType.SLA_MET).count() == 1


def test_an_answer_after_the_deadline_but_before_the_sweep_is_a_breach_recorded_once(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Help")
    # the 60-minute deadline passed; the agent answers before the sweeper got to it
    with time.at(61):
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="Sorry", actor=actor)
        assert timers_sweep().fired == 0  # the deadline went with the stopped clock
    first = clock_of(ticket, ClockKind.FIRST_RESPONSE)
    assert (first.state, first.breached_at) == (ClockState.BREACHED, at(60))
    breaches = ticket.events.filter(event_type=EventType.SLA_BREACHED)
    assert list(breaches.values_list("to_value", flat=True)) == ["First response"]
    assert not ticket.events.filter(event_type=EventType.SLA_MET).exists()


def test_each_customer_reply_after_an_answer_starts_a_next_response_clock(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Help")
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="Hi", actor=actor)
    with time.at(40):
        message_add(ticket=ticket, author_kind=AuthorKind.CUSTOMER, body="Again", actor=actor)
    first_wait = clock_of(ticket, ClockKind.NEXT_RESPONSE)
    assert (first_wait.cycle, first_wait.due_at) == (1, at(70))
    with time.at(50):
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="Fixed", actor=actor)
    with time.at(60):
        message_add(ticket=ticket, author_kind=AuthorKind.CUSTOMER, body="Thanks!", actor=actor)
    assert clock_of(ticket, ClockKind.NEXT_RESPONSE, cycle=1).state == ClockState.MET
    assert clock_of(ticket, ClockKind.NEXT_RESPONSE).cycle == 2


def test_resolving_meets_the_resolution_clock_and_reopening_revives_it(
    l1_team, actor, policy, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        ticket_step(ticket=ticket, transition="start_work", actor=actor)
    with time.at(100):
        ticket_step(ticket=ticket, transition="resolve", actor=actor)
    resolution = clock_of(ticket, ClockKind.RESOLUTION)
    assert (resolution.state, resolution.elapsed_seconds) == ("met", 6000)
    assert clock_of(ticket, ClockKind.FIRST_RESPONSE).state == ClockState.STOPPED
    with time.at(200):
        ticket_step(ticket=ticket, transition="reopen", actor=actor)
    resolution.refresh_from_db()
    assert (resolution.state, resolution.due_at) == ("running", at(200 + 380))
    assert resolution.pauses[-1][2] == "stopped"


def test_applying_a_policy_by_hand_pins_it(l1_team, actor, policy, time):
    urgent_only = make_policy(
        l1_team.workspace, name="Fast lane", is_default=False, targets={Priority.NORMAL: (5, 5, 60)}
    )
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(1):
        sla_apply_policy(ticket=ticket, policy=urgent_only, actor=Actor.system("test"))
    ticket.refresh_from_db()
    assert (ticket.sla_policy, ticket.sla_policy_pinned) == (urgent_only, True)
    assert clock_of(ticket, ClockKind.FIRST_RESPONSE).due_at == at(5)
    with time.at(2):
        ticket_update(ticket=ticket, actor=actor, changes={"topic": "other"})
    ticket.refresh_from_db()
    assert ticket.sla_policy == urgent_only  # matching no longer moves it


def test_a_calendar_change_recomputes_the_tickets_that_count_on_it(l1_team, actor, time):
    calendar = BusinessCalendar.objects.create(
        workspace=l1_team.workspace,
        name="Office",
        weekly_hours={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        is_default=True,
    )
    make_policy(l1_team.workspace, business_hours=True)
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    assert clock_of(ticket, ClockKind.RESOLUTION).due_at == at(24 * 60)  # Thursday 10:00
    calendar.weekly_hours = {d: [["08:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    calendar.save()
    with time.at(0):
        assert sla_calendar_changed(calendar) == 1
    assert clock_of(ticket, ClockKind.RESOLUTION).due_at == at(480)
