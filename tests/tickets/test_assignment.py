"""Assignment strategies: who in a team gets a ticket, the cap, and what happens when nobody can."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from escalations.core.models import EventType
from escalations.tickets.models import (
    AssignmentFallback,
    AssignmentStrategy,
    EscalationKind,
    MembershipRole,
    Notification,
    TeamMembership,
    Ticket,
    TicketStatus,
    Tier,
)
from escalations.tickets.services.assignment import ticket_assign
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import AgentFactory, TeamFactory, make_ticket

pytestmark = pytest.mark.django_db


def configure(team, **fields):
    for name, value in fields.items():
        setattr(team, name, value)
    team.save()
    return team


def give(agent, count, team, actor):
    """`count` active tickets already held by the agent."""
    for _ in range(count):
        ticket = make_ticket(team=team, actor=actor)
        Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)


def assign(team, actor, **ticket_fields):
    ticket = make_ticket(team=team, actor=actor, **ticket_fields)
    route = ticket_assign(ticket=ticket, team=team, actor=actor)
    ticket.refresh_from_db()
    return ticket, route


def test_round_robin_serves_the_available_members_in_turn(billing_team, actor):
    configure(billing_team, assignment_strategy=AssignmentStrategy.ROUND_ROBIN)
    ana, ben, cat = (AgentFactory(display_name=n, team=billing_team) for n in "ABC")
    ben.is_available = False
    ben.save()

    picked = [assign(billing_team, actor)[0].assignee for _ in range(4)]

    assert picked == [ana, cat, ana, cat]


def test_least_open_picks_the_member_with_the_fewest_active_tickets(billing_team, actor):
    busy = AgentFactory(display_name="Busy", team=billing_team)
    calm = AgentFactory(display_name="Calm", team=billing_team)
    give(busy, 3, billing_team, actor)
    give(calm, 1, billing_team, actor)
    resolved = make_ticket(team=billing_team, actor=actor)
    Ticket.objects.filter(pk=resolved.pk).update(assignee=calm, status=TicketStatus.RESOLVED)

    ticket, route = assign(billing_team, actor)

    assert ticket.assignee == calm
    assert "Fewest open tickets" in route.reason and "(1)" in route.reason


def test_skills_match_prefers_the_skills_the_ticket_asks_for(billing_team, actor):
    configure(billing_team, assignment_strategy=AssignmentStrategy.SKILLS)
    generalist = AgentFactory(display_name="Gen", team=billing_team, skills=["billing"])
    specialist = AgentFactory(
        display_name="Spec", team=billing_team, skills=["billing", "refunds", "spanish"]
    )
    give(specialist, 2, billing_team, actor)  # busier, but the better match

    ticket, route = assign(billing_team, actor, tags=["refunds"], topic="Billing")

    assert ticket.assignee == specialist
    assert "Skills match (billing, refunds)" in route.reason

    # nobody has the skill asked for: the least busy member takes it, and the reason says so
    ticket, route = assign(billing_team, actor, tags=["japanese"])
    assert ticket.assignee == generalist
    assert "Nobody free has the skills asked (japanese)" in route.reason


def test_nobody_gets_more_than_the_cap(billing_team, actor):
    full = AgentFactory(display_name="Full", team=billing_team)
    room = AgentFactory(display_name="Room", team=billing_team)
    full.capacity = 2
    full.save()
    give(full, 2, billing_team, actor)
    give(room, 4, billing_team, actor)

    assert assign(billing_team, actor)[0].assignee == room  # Full is at its own capacity

    configure(billing_team, max_open_per_agent=5)  # the team's cap replaces the agents' own
    assert assign(billing_team, actor)[0].assignee == full


def test_nobody_free_leaves_the_ticket_in_the_queue_and_tells_the_lead(billing_team, actor):
    configure(billing_team, max_open_per_agent=1)
    member = AgentFactory(display_name="Member", team=billing_team)
    lead = AgentFactory(display_name="Lead", user__username="lena")
    TeamMembership.objects.create(team=billing_team, agent=lead, role=MembershipRole.LEAD)
    give(member, 1, billing_team, actor)
    give(lead, 1, billing_team, actor)

    ticket, route = assign(billing_team, actor)

    assert (ticket.team, ticket.assignee, route.agent) == (billing_team, None, None)
    queued = ticket.events.get(event_type=EventType.QUEUED)
    assert "All 2 agents of Billing are at their cap" in queued.reason
    notified = Notification.objects.get(ticket=ticket)
    assert notified.recipient == lead.user and "waits in Billing's queue" in notified.message


def test_nobody_free_hands_on_to_the_next_tier_when_the_team_says_so(l1_team, billing_team, actor):
    configure(l1_team, fallback=AssignmentFallback.NEXT_TIER)
    away = AgentFactory(display_name="Away", team=l1_team)
    away.is_available = False
    away.save()
    priya = AgentFactory(display_name="Priya", team=billing_team)

    ticket, _ = assign(l1_team, actor)

    assert (ticket.team, ticket.tier, ticket.assignee) == (billing_team, Tier.L2, priya)
    assigned = ticket.events.get(event_type=EventType.ASSIGNED)
    assert assigned.reason.startswith("General support had nobody free; ")
    assert assigned.data["passed_over"] == [l1_team.pk]


def test_a_manual_team_keeps_tickets_in_its_queue(billing_team, actor):
    configure(billing_team, assignment_strategy=AssignmentStrategy.MANUAL)
    AgentFactory(team=billing_team)

    ticket, _ = assign(billing_team, actor)

    assert ticket.assignee is None
    assert "assigns its tickets by hand" in ticket.events.get(event_type=EventType.QUEUED).reason


def test_an_agent_escalation_assigns_by_strategy_and_notifies_with_the_summary(
    ticket, billing_team, actor
):
    priya = AgentFactory(display_name="Priya", team=billing_team, user__username="priya")
    ticket_step(ticket=ticket, transition="start_work", actor=actor)

    escalation = escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent_button",
        to_team=billing_team,
        summary="Double charge on invoice 88; refund needs L2 approval.",
        summary_required=True,
        actor=actor,
    )

    ticket.refresh_from_db()
    assert (escalation.to_agent, ticket.assignee, ticket.team) == (priya, priya, billing_team)
    notice = Notification.objects.get(recipient=priya.user)
    assert "is yours (Billing)" in notice.message
    assert "Double charge on invoice 88" in notice.message


def test_a_team_cannot_fall_back_to_itself_a_lower_tier_or_another_workspace(l1_team, billing_team):
    with pytest.raises(ValidationError, match="itself"):
        configure(billing_team, fallback_team=billing_team).full_clean()
    with pytest.raises(ValidationError, match="not above"):
        configure(billing_team, fallback_team=l1_team).full_clean()
    stranger = TeamFactory(tier=Tier.L3)
    with pytest.raises(ValidationError, match="another workspace"):
        configure(l1_team, fallback_team=stranger).full_clean()


@pytest.mark.django_db(transaction=True)
def test_two_assignments_at_once_never_both_take_the_last_free_slot(billing_team, actor):
    configure(billing_team, max_open_per_agent=1)
    AgentFactory(display_name="Only", team=billing_team)
    tickets = [make_ticket(team=billing_team, actor=actor) for _ in range(2)]
    start = threading.Barrier(2)
    errors = []

    def assign_one(ticket):
        try:
            start.wait()
            ticket_assign(ticket=ticket, team=billing_team, actor=actor)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign_one, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assigned = Ticket.objects.filter(pk__in=[t.pk for t in tickets], assignee__isnull=False)
    assert assigned.count() == 1
    assert (
        Ticket.objects.get(pk__in=[t.pk for t in tickets], assignee__isnull=True)
        .events.filter(event_type=EventType.QUEUED)
        .exists()
    )
