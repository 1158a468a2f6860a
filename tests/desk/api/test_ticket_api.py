import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations.core.models import EventType
from tests.helpers.factories import make_ticket
from tests.helpers.sla import make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def url(ticket, action=""):
    return f"/api/tickets/{ticket.pk}/{action + '/' if action else ''}"


def test_anonymous_callers_get_401(api, ticket):
    assert api.get("/api/tickets/").status_code == 401
    assert api.post(url(ticket, "transition"), {"transition": "start_work"}).status_code == 401


def test_listing_shows_each_tickets_allowed_moves(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.get("/api/tickets/")
    assert response.status_code == 200
    assert response.json()["results"][0]["allowed_transitions"] == [
        "start_work",
        "wait_on_customer",
        "resolve",
    ]


def test_a_legal_transition_answers_with_the_moved_ticket(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.post(
        url(ticket, "transition"), {"transition": "start_work", "reason": "API"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["state"]) == (
        {"slug": "open", "name": "Open", "state": "open"},
        "open",
    )
    event = ticket.events.get(event_type=EventType.STATUS_CHANGED)
    assert (event.actor_kind, event.actor_user, event.reason) == ("api", agent_user, "API")


def test_an_illegal_transition_is_a_409_and_changes_nothing(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.post(url(ticket, "transition"), {"transition": "close"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "status_move_forbidden"
    assert body["current_status"] == {"slug": "new", "name": "New", "state": "new"}
    assert [s["slug"] for s in body["allowed_statuses"]] == [
        "open",
        "pending",
        "escalated",
        "resolved",
    ]
    assert "cannot close" in body["detail"]
    assert not ticket.events.filter(event_type=EventType.STATUS_CHANGED).exists()


def test_a_stale_expected_status_is_a_409(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    payload = {"transition": "resolve", "expected_status": "open"}
    response = api.post(url(ticket, "transition"), payload, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_ticket"


def test_an_unknown_transition_is_a_400_with_the_field_named(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.post(url(ticket, "transition"), {"transition": "explode"}, format="json")
    assert response.status_code == 400
    assert "transition" in response.json()


def test_read_only_users_may_read_but_not_move(api, read_only_user, ticket):
    api.force_authenticate(read_only_user)
    assert api.get(url(ticket)).status_code == 200
    response = api.post(url(ticket, "transition"), {"transition": "start_work"}, format="json")
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_users_without_a_role_cannot_read(api, ticket):
    from tests.helpers.factories import UserFactory

    api.force_authenticate(UserFactory())
    assert api.get("/api/tickets/").status_code == 403


def test_escalating_is_not_a_bare_api_move(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.post(url(ticket, "transition"), {"transition": "escalate"}, format="json")
    assert response.status_code == 400
    assert "transition" in response.json()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_the_browsable_api_offers_the_transition_form(client, agent_user, ticket):
    client.force_login(agent_user)
    page = client.get(url(ticket, "transition"), HTTP_ACCEPT="text/html")
    assert page.status_code == 405
    assert 'name="transition"' in page.content.decode()


def test_a_ticket_is_snoozed_and_woken_through_the_api(api, agent_user, ticket):
    from datetime import timedelta

    from django.utils import timezone

    api.force_authenticate(agent_user)
    until = (timezone.now() + timedelta(hours=3)).isoformat()
    response = api.post(url(ticket, "snooze"), {"until": until}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["snoozed_until"] is not None) == (
        "pending",
        True,
    )
    response = api.post(url(ticket, "snooze"), {"until": None}, format="json")
    assert (response.status_code, response.json()["state"]) == (200, "open")
    assert ticket.events.filter(event_type=EventType.SNOOZE_ENDED).exists()


def test_snoozing_into_the_past_is_a_400_naming_the_field(api, agent_user, ticket):
    api.force_authenticate(agent_user)
    response = api.post(url(ticket, "snooze"), {"until": "2001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert "future" in response.json()["until"][0]
    assert api.post(url(ticket, "snooze"), {"until": "soon"}, format="json").status_code == 400
    ticket.refresh_from_db()
    assert ticket.snoozed_until is None


def test_read_only_users_cannot_snooze(api, read_only_user, ticket):
    api.force_authenticate(read_only_user)
    response = api.post(url(ticket, "snooze"), {"until": None}, format="json")
    assert response.status_code == 403


def test_the_ticket_carries_its_sla_clocks(api, agent_user, l1_team, actor):
    make_policy(l1_team.workspace)
    ticket = make_ticket(team=l1_team, actor=actor)
    api.force_authenticate(agent_user)
    body = api.get(url(ticket)).json()
    assert body["sla_policy"] == "Standard"
    kinds = {clock["kind"]: clock for clock in body["sla_clocks"]}
    assert kinds["first_response"]["target_minutes"] == 60
    assert kinds["first_response"]["state"] == "running"
    assert body["sla_due_at"] == kinds["first_response"]["due_at"]


def _list_statements(api, count: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/tickets/?limit=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    return len(queries)


def test_a_page_of_tickets_reads_the_same_few_statements_whatever_its_size(
    api, manager_user, l1_team, actor
):
    make_policy(l1_team.workspace)
    api.force_authenticate(manager_user)
    for index in range(3):
        make_ticket(team=l1_team, actor=actor, body=f"Hello {index}")
    _list_statements(api, 3)  # permissions and configuration are read once, then kept
    few = _list_statements(api, 3)
    for index in range(40):
        make_ticket(team=l1_team, actor=actor, body=f"More {index}")
    many = _list_statements(api, 43)
    assert many == few
    assert many <= 10
