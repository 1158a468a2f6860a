"""Incident action plans in the admin: written, approved by someone else with the step
buttons, refused edits once approved, and operational periods handed over."""

import pytest

from escalations.core.actors import Actor
from escalations.incidents.models import IncidentActionPlan, OperationalPeriod, PlanStatus
from escalations.incidents.services.plans import plan_create, plan_transition
from tests.helpers.factories import ROLES, AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(ticket, agent_user):
    return plan_create(
        ticket=ticket, title="Checkout outage", actor=Actor.for_user(agent_user), period_hours=8
    )


def test_a_lead_writes_a_plan_for_an_incident(client, agent_user, ticket):
    client.force_login(agent_user)
    response = client.post(
        "/admin/escalations/incidentactionplan/add/",
        {
            "ticket": ticket.pk,
            "title": "Checkout outage",
            "situation_summary": "Payments fail.",
            "execution_plan": "Fail over.",
            "priorities": "Restore payments\nTell customers",
            "next_actions": "",
            "period_hours": 12,
            "responsibilities-TOTAL_FORMS": 0,
            "responsibilities-INITIAL_FORMS": 0,
            "periods-TOTAL_FORMS": 0,
            "periods-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    plan = IncidentActionPlan.objects.get()
    assert (plan.status, plan.priorities, plan.created_by) == (
        PlanStatus.DRAFT,
        ["Restore payments", "Tell customers"],
        agent_user,
    )


def test_the_step_buttons_move_the_plan_and_a_manager_approves(
    client, agent_user, manager_user, plan
):
    client.force_login(agent_user)
    page = client.get(f"/admin/escalations/incidentactionplan/{plan.pk}/change/")
    assert "Submit for approval" in page.content.decode()
    client.post(f"/admin/escalations/incidentactionplan/{plan.pk}/move/", {"move": "submit"})
    refused = client.post(
        f"/admin/escalations/incidentactionplan/{plan.pk}/move/", {"move": "approve"}, follow=True
    )
    assert "Only an approver" in refused.content.decode()

    client.force_login(manager_user)
    client.post(f"/admin/escalations/incidentactionplan/{plan.pk}/move/", {"move": "approve"})

    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (PlanStatus.APPROVED, manager_user)


def test_an_approved_plan_is_not_edited_in_the_form(client, agent_user, manager_user, plan):
    plan_transition(plan=plan, move="submit", actor=Actor.for_user(agent_user))
    plan_transition(plan=plan, move="approve", actor=Actor.for_user(manager_user))
    client.force_login(agent_user)
    response = client.post(
        f"/admin/escalations/incidentactionplan/{plan.pk}/change/",
        {
            "title": "Something else",
            "situation_summary": "",
            "execution_plan": "",
            "priorities": "",
            "next_actions": "",
            "period_hours": 8,
            "responsibilities-TOTAL_FORMS": 0,
            "responsibilities-INITIAL_FORMS": 0,
            "periods-TOTAL_FORMS": 0,
            "periods-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "revise an approved plan first" in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "Checkout outage"


def test_periods_are_started_and_handed_over_from_the_plan_page(
    client, agent_user, manager_user, plan
):
    plan_transition(plan=plan, move="submit", actor=Actor.for_user(agent_user))
    plan_transition(plan=plan, move="approve", actor=Actor.for_user(manager_user))
    day, night = AgentFactory(), AgentFactory()
    client.force_login(agent_user)
    url = f"/admin/escalations/incidentactionplan/{plan.pk}/period/"

    client.post(url, {"agent": day.pk})
    client.post(url, {"agent": night.pk, "note": "Fail-over done."})

    periods = list(OperationalPeriod.objects.filter(plan=plan).order_by("number"))
    assert [(p.number, p.responder, p.handover_note) for p in periods] == [
        (1, day, "Fail-over done."),
        (2, night, ""),
    ]


def test_read_only_users_cannot_move_plans(client, read_only_user, plan):
    client.force_login(read_only_user)
    url = f"/admin/escalations/incidentactionplan/{plan.pk}/move/"
    assert client.post(url, {"move": "submit"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_an_approver_who_did_not_write_the_plan_is_offered_its_review(
    client, agent_user, manager_user, plan
):
    plan_transition(plan=plan, move="submit", actor=Actor.for_user(agent_user))
    url = f"/admin/escalations/incidentactionplan/{plan.pk}/change/"
    reviews = ('value="approve"', 'value="request_changes"')

    client.force_login(agent_user)  # the author, without the right to approve
    author_page = client.get(url)
    client.force_login(UserFactory(username="ana", role=ROLES["agent"]))
    agent_page = client.get(url)
    client.force_login(manager_user)
    approver_page = client.get(url)

    for page in (author_page, agent_page):
        assert page.status_code == 200
        assert "Awaiting approval" in page.content.decode()
        assert not any(button in page.content.decode() for button in reviews)
    assert all(button in approver_page.content.decode() for button in reviews)


def test_an_approver_is_not_offered_the_review_of_their_own_plan(client, manager_user, ticket):
    own = plan_create(ticket=ticket, title="Own plan", actor=Actor.for_user(manager_user))
    plan_transition(plan=own, move="submit", actor=Actor.for_user(manager_user))
    client.force_login(manager_user)

    page = client.get(f"/admin/escalations/incidentactionplan/{own.pk}/change/")

    assert page.status_code == 200 and 'value="approve"' not in page.content.decode()
