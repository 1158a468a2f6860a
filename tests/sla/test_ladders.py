import pytest

from escalations.core.models import EventType
from escalations.sla.models import ClimbWhen, ClockKind, EscalationLadder, LadderLevel, SlaClock
from escalations.sla.services.timers import timers_sweep
from escalations.tickets.models import (
    AuthorKind,
    EscalationKind,
    Notification,
    Priority,
    TicketStatus,
    Tier,
)
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import AgentFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(policy, billing_team, billing_agent):
    workspace = policy.workspace
    l3 = TeamFactory(workspace=workspace, name="Engineering", slug="engineering", tier=Tier.L3)
    AgentFactory(display_name="Elif Kaya", team=l3)
    ladder = EscalationLadder.objects.create(workspace=workspace, name="Standard ladder")
    LadderLevel.objects.create(
        ladder=ladder,
        position=1,
        name="L2 billing",
        after_minutes=30,
        climb_when=ClimbWhen.NO_FIRST_RESPONSE,
        to_team=billing_team,
        notify=["team:billing"],
    )
    LadderLevel.objects.create(
        ladder=ladder,
        position=2,
        name="L3 engineering",
        after_minutes=60,
        climb_when=ClimbWhen.NOT_ACKNOWLEDGED,
        to_team=l3,
        raise_priority=True,
    )
    policy.ladder = ladder
    policy.save()
    return ladder


def test_each_level_hands_the_ticket_over_with_its_context_when_nobody_answered(
    l1_team, actor, ladder, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Charged twice")
    with time.at(29):
        assert timers_sweep().fired == 0
    with time.at(31):
        timers_sweep()
    ticket.refresh_from_db()
    first = ticket.escalations.get()
    assert (first.kind, first.to_team.slug, first.to_tier) == (
        EscalationKind.TIME_BASED,
        "billing",
        Tier.L2,
    )
    assert first.to_agent.display_name == "Priya Shah"  # picked from the team
    assert first.conversation_snapshot[0]["body"] == "Charged twice"
    assert ticket.status == TicketStatus.ESCALATED
    assert Notification.objects.filter(ticket=ticket).exists()
    with time.at(91):
        timers_sweep()
    ticket.refresh_from_db()
    assert ticket.escalations.count() == 2
    assert (ticket.team.slug, ticket.tier, ticket.priority) == ("engineering", 3, Priority.HIGH)
    assert [e.to_value for e in ticket.events.filter(event_type=EventType.LADDER_LEVEL)] == [
        "L2 billing",
        "L3 engineering",
    ]
    ladder_clock = SlaClock.objects.get(ticket=ticket, kind=ClockKind.LADDER)
    assert (ladder_clock.state, ladder_clock.stop_reason) == ("stopped", "last level reached")


def test_the_ladder_stops_when_its_condition_no_longer_holds(l1_team, actor, ladder, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, body="Hello")
    with time.at(10):
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="On it", actor=actor)
    with time.at(31):
        timers_sweep()
    assert not ticket.escalations.exists()
    assert SlaClock.objects.get(ticket=ticket, kind=ClockKind.LADDER).stop_reason == (
        "condition no longer holds"
    )


def test_a_repeating_ladder_runs_its_levels_again(l1_team, actor, ladder, time):
    ladder.repeat = 1
    ladder.save()
    ladder.levels.filter(position=2).update(climb_when=ClimbWhen.NOT_RESOLVED)
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    for minute in (31, 91, 121, 181):
        with time.at(minute):
            timers_sweep()
    assert ticket.escalations.count() == 4


def test_the_ladder_waits_while_the_ticket_waits_on_the_customer(l1_team, actor, ladder, time):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
    with time.at(10):
        ticket_step(ticket=ticket, transition="wait_on_customer", actor=actor)
    with time.at(40):
        ticket_step(ticket=ticket, transition="resume", actor=actor)
    with time.at(55):  # 25 minutes of running time
        timers_sweep()
    assert not ticket.escalations.exists()
    with time.at(61):
        timers_sweep()
    assert ticket.escalations.count() == 1
