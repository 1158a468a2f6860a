"""Incident action plans: approved by a second person before they run (Awaiting approval →
Approved, or Changes requested → Re-approval), and handed over between operational periods."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType
from escalations.incidents.models import PlanStatus
from escalations.incidents.services.plans import (
    period_hand_over,
    period_start,
    plan_create,
    plan_transition,
    plan_update,
)
from escalations.tickets.models import Notification
from escalations.tickets.roles import AGENT, MANAGER
from tests.helpers.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(agent_user):
    return Actor.for_user(agent_user)


@pytest.fixture
def approver():
    return Actor.for_user(UserFactory(role=MANAGER))


@pytest.fixture
def plan(ticket, lead):
    return plan_create(
        ticket=ticket,
        title="Checkout outage",
        actor=lead,
        situation_summary="Card payments fail for 30 % of customers.",
        execution_plan="Fail over to the second payment provider; then find the cause.",
        priorities=["Restore payments", "Tell customers"],
        period_hours=8,
    )


def moves(ticket):
    return list(
        ticket.events.filter(event_type=EventType.PLAN_STATUS_CHANGED)
        .order_by("id")
        .values_list("from_value", "to_value")
    )


def test_a_plan_goes_through_changes_requested_and_re_approval(ticket, plan, lead, approver):
    plan_transition(plan=plan, move="submit", actor=lead)
    plan_transition(plan=plan, move="request_changes", actor=approver, note="Name the owner.")
    plan_update(plan=plan, changes={"next_actions": ["Priya owns the fail-over"]}, actor=lead)
    plan_transition(plan=plan, move="resubmit", actor=lead)
    approved = plan_transition(plan=plan, move="approve", actor=approver, note="Go.")

    assert approved.status == PlanStatus.APPROVED
    assert (approved.approved_by, approved.review_note) == (approver.user, "Go.")
    assert moves(ticket) == [
        ("", "Draft"),
        ("Draft", "Awaiting approval"),
        ("Awaiting approval", "Changes requested"),
        ("Changes requested", "Re-approval"),
        ("Re-approval", "Approved"),
    ]


def test_the_author_cannot_approve_their_own_plan(plan, lead, agent_user):
    from django.contrib.auth.models import Permission

    agent_user.user_permissions.add(Permission.objects.get(codename="approve_incidentactionplan"))
    plan_transition(plan=plan, move="submit", actor=lead)
    with pytest.raises(IllegalTransition, match="a second person must"):
        plan_transition(plan=plan, move="approve", actor=Actor.for_user(agent_user))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_APPROVAL


def test_someone_without_the_right_cannot_approve(plan, lead):
    plan_transition(plan=plan, move="submit", actor=lead)
    other_agent = Actor.for_user(UserFactory(role=AGENT))
    with pytest.raises(IllegalTransition, match="Only an approver"):
        plan_transition(plan=plan, move="approve", actor=other_agent)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AWAITING_APPROVAL


def test_a_step_the_plan_cannot_take_now_is_refused_with_what_it_can(plan, approver):
    with pytest.raises(IllegalTransition) as refused:
        plan_transition(plan=plan, move="approve", actor=approver)
    assert "is Draft: it cannot approve" in str(refused.value)
    assert refused.value.allowed == ["submit"]


def test_sending_back_needs_a_note(plan, lead, approver):
    plan_transition(plan=plan, move="submit", actor=lead)
    with pytest.raises(ValidationError):
        plan_transition(plan=plan, move="request_changes", actor=approver, note=" ")


def test_an_approved_plan_changes_only_after_it_is_revised(plan, lead, approver):
    plan_transition(plan=plan, move="submit", actor=lead)
    plan_transition(plan=plan, move="approve", actor=approver)
    with pytest.raises(IllegalTransition, match="revise an approved plan first"):
        plan_update(plan=plan, changes={"execution_plan": "Something else"}, actor=lead)
    plan_transition(plan=plan, move="revise", actor=lead)
    plan_update(plan=plan, changes={"execution_plan": "Something else"}, actor=lead)
    plan.refresh_from_db()
    assert (plan.status, plan.execution_plan) == (PlanStatus.DRAFT, "Something else")


def test_periods_run_under_an_approved_plan_and_are_handed_over_with_a_note(
    ticket, plan, lead, approver
):
    day, night = AgentFactory(), AgentFactory()
    with pytest.raises(IllegalTransition, match="approved plan"):
        period_start(plan=plan, responder=day, actor=lead)
    plan_transition(plan=plan, move="submit", actor=lead)
    plan_transition(plan=plan, move="approve", actor=approver)
    first = period_start(plan=plan, responder=day, actor=lead)
    assert first.ends_at - first.starts_at == timedelta(hours=8)

    with pytest.raises(ValidationError):
        period_hand_over(period=first, to=night, note="", actor=lead)
    with pytest.raises(ValidationError):
        period_hand_over(period=first, to=day, note="Nothing", actor=lead)
    second = period_hand_over(
        period=first, to=night, note="Fail-over done; watch error rates.", actor=lead
    )

    first.refresh_from_db()
    assert (second.number, second.responder) == (2, night)
    assert first.handed_over_at == second.starts_at
    assert first.handover_note == "Fail-over done; watch error rates."
    told = Notification.objects.get(recipient=night.user, source="plan")
    assert "You take over Checkout outage (period 2" in told.message
    event = ticket.events.get(event_type=EventType.PLAN_HANDED_OVER)
    assert event.reason == "Fail-over done; watch error rates."
    with pytest.raises(ValidationError, match="handed over already"):
        period_hand_over(period=first, to=night, note="Again", actor=lead)
