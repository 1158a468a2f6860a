"""RACI in the admin: the grid, an activity's cells checked at save time, and each person's
own duties."""

import pytest

from escalations.governance.models import RaciAssignment
from escalations.governance.services.raci import raci_matrix_create
from escalations.tickets.models import Tier
from tests.helpers.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(l1_team):
    return raci_matrix_create(
        workspace=l1_team.workspace,
        name="Support RACI",
        roles=[{"name": "Agent"}, {"name": "Lead"}, {"name": "Specialist"}],
        activities=[
            {"name": "Answer", "assignments": {"Agent": "R", "Lead": "A"}},
            {
                "name": "Escalate to billing",
                "escalation_level": Tier.L2,
                "ai": "assists",
                "human_review": True,
                "assignments": {"Specialist": "R", "Lead": "A", "Agent": "I"},
            },
        ],
    )


def cells_post(activity, rows):
    data = {
        "name": activity.name,
        "matrix": activity.matrix_id,
        "position": activity.position,
        "ai_involvement": activity.ai_involvement,
        "assignments-TOTAL_FORMS": len(rows),
        "assignments-INITIAL_FORMS": activity.assignments.count(),
        "assignments-MIN_NUM_FORMS": 0,
        "assignments-MAX_NUM_FORMS": 1000,
    }
    existing = list(activity.assignments.order_by("pk"))
    for i, (role, letters) in enumerate(rows):
        data[f"assignments-{i}-role"] = role.pk
        data[f"assignments-{i}-letters"] = letters
        data[f"assignments-{i}-activity"] = activity.pk
        if i < len(existing):
            data[f"assignments-{i}-id"] = existing[i].pk
    return data


def test_the_matrix_page_shows_the_grid(client, manager_user, made):
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/racimatrix/{made.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="raci-grid"' in text
    assert "Escalate to billing" in text and "The AI assists a person" in text


def test_a_second_accountable_is_refused_at_save_time_and_nothing_changes(
    client, manager_user, made
):
    client.force_login(manager_user)
    activity = made.activities.get(name="Answer")
    roles = {r.name: r for r in made.roles.all()}
    before = list(
        RaciAssignment.objects.filter(activity=activity).values_list("letters", flat=True)
    )

    response = client.post(
        f"/admin/escalations/raciactivity/{activity.pk}/change/",
        cells_post(activity, [(roles["Agent"], "RA"), (roles["Lead"], "A")]),
    )

    assert response.status_code == 200
    assert "exactly one role must be Accountable (A); 2 are" in response.content.decode()
    after = list(RaciAssignment.objects.filter(activity=activity).values_list("letters", flat=True))
    assert after == before


def test_letters_are_saved_normalised(client, manager_user, made):
    client.force_login(manager_user)
    activity = made.activities.get(name="Answer")
    roles = {r.name: r for r in made.roles.all()}

    response = client.post(
        f"/admin/escalations/raciactivity/{activity.pk}/change/",
        cells_post(activity, [(roles["Agent"], "r"), (roles["Lead"], "ac")]),
    )

    assert response.status_code == 302
    assert dict(activity.assignments.values_list("role__name", "letters")) == {
        "Agent": "R",
        "Lead": "AC",
    }


def test_an_agent_sees_their_own_duties(client, agent_user, made):
    agent = AgentFactory(user=agent_user)
    made.roles.get(name="Agent").people.add(agent)
    client.force_login(agent_user)

    page = client.get("/admin/escalations/racimatrix/mine/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Answer" in text and "Responsible" in text
    assert "Escalate to billing" in text and "Informed" in text


def test_agents_may_read_the_matrix_but_not_change_it(client, agent_user, made):
    client.force_login(agent_user)
    assert client.get(f"/admin/escalations/racimatrix/{made.pk}/change/").status_code == 200
    activity = made.activities.get(name="Answer")
    roles = {r.name: r for r in made.roles.all()}
    response = client.post(
        f"/admin/escalations/raciactivity/{activity.pk}/change/",
        cells_post(activity, [(roles["Agent"], "A"), (roles["Lead"], "R")]),
    )
    assert response.status_code == 403
    assert dict(activity.assignments.values_list("role__name", "letters"))["Agent"] == "R"
