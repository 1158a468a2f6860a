"""Moves through the API follow the ticket's workspace workflow: statuses by slug, a forbidden
move is 409 `status_move_forbidden` with the allowed ones, a PATCH cannot change a status."""

import pytest
from rest_framework.test import APIClient

from escalations.core.actors import Actor
from escalations.core.models import EventType
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.services import catalog_load
from tests.helpers.catalog import required_values
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


@pytest.fixture
def quality():
    catalog_load()
    return template_instantiate(
        template=WorkflowTemplate.objects.get(slug="quality-control-checklist"), name="QC"
    )


@pytest.fixture
def item(quality):
    return make_ticket(workspace=quality, actor=SYSTEM, custom_fields=required_values(quality))


@pytest.fixture
def api(manager_user):
    client = APIClient()
    client.force_authenticate(manager_user)
    return client


def move(api, ticket, to_status, **extra):
    return api.post(
        f"/api/tickets/{ticket.pk}/transition/", {"to_status": to_status, **extra}, format="json"
    )


def test_a_ticket_shows_its_workspace_status_state_and_the_statuses_allowed_next(api, item):
    body = api.get(f"/api/tickets/{item.pk}/").json()
    assert body["status"] == {"slug": "flagged-by-ai", "name": "Flagged by AI", "state": "new"}
    assert body["state"] == "new"
    assert [(s["slug"], s["needs_escalation"]) for s in body["allowed_statuses"]] == [
        ("in-review", False),
        ("with-trust-and-safety", True),
    ]


def test_an_allowed_move_by_slug_goes_through_in_the_workspaces_words(api, item):
    answer = move(api, item, "in-review", reason="Checking it", expected_status="flagged-by-ai")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"]["name"] == "In review"
    event = item.events.get(event_type=EventType.STATUS_CHANGED)
    assert (event.data["from_status"], event.data["to_status"], event.reason) == (
        "flagged-by-ai",
        "in-review",
        "Checking it",
    )


def test_a_move_the_workflow_forbids_is_409_with_the_current_and_allowed_statuses(api, item):
    move(api, item, "in-review")
    move(api, item, "waiting-on-author")

    answer = move(api, item, "awaiting-approval")

    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "status_move_forbidden"
    assert body["current_status"]["name"] == "Waiting on author"
    assert [s["slug"] for s in body["allowed_statuses"]] == [
        "in-review",
        "with-trust-and-safety",
        "removed",
    ]
    assert "Waiting on author: from there it may move to" in body["detail"]
    item.refresh_from_db()
    assert item.custom_status.slug == "waiting-on-author"


def test_a_stale_expected_status_is_409_stale_ticket(api, item):
    move(api, item, "in-review")
    answer = move(api, item, "awaiting-approval", expected_status="flagged-by-ai")
    assert (answer.status_code, answer.json()["code"]) == (409, "stale_ticket")


def test_a_lifecycle_step_naming_two_statuses_without_a_default_is_refused(api, item):
    for slug in ("in-review", "awaiting-approval"):
        move(api, item, slug)
    # Awaiting Approval may be approved (the resolved default) or removed: "resolve" picks the
    # default, once its sign-off is given; "start_work" leads nowhere from here.
    answer = api.post(
        f"/api/tickets/{item.pk}/transition/", {"transition": "start_work"}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "status_move_forbidden")


def test_a_gated_status_lists_the_sign_offs_it_still_needs(api, item):
    for slug in ("in-review", "awaiting-approval"):
        move(api, item, slug)
    offers = {s["slug"]: s for s in api.get(f"/api/tickets/{item.pk}/").json()["allowed_statuses"]}
    assert offers["approved"]["sign_offs_missing"] == [
        "Senior moderator approval (by Senior moderators)"
    ]
    answer = move(api, item, "approved")
    assert (answer.status_code, answer.json()["code"]) == (409, "sign_off_missing")
    assert answer.json()["current_status"]["slug"] == "awaiting-approval"
    assert "approved" in [s["slug"] for s in answer.json()["allowed_statuses"]]


@pytest.mark.parametrize("field", ["status", "custom_status", "state"])
def test_a_patch_naming_a_status_is_400_naming_the_field_and_changes_nothing(api, item, field):
    answer = api.patch(f"/api/tickets/{item.pk}/", {field: "in-review"}, format="json")
    assert answer.status_code == 400
    assert "transition" in answer.json()[field][0]
    item.refresh_from_db()
    assert item.custom_status.slug == "flagged-by-ai"


def test_a_patch_with_an_unknown_field_is_400_and_changes_nothing(api, item):
    answer = api.patch(
        f"/api/tickets/{item.pk}/", {"subject": "New", "colour": "red"}, format="json"
    )
    assert (answer.status_code, answer.json()) == (400, {"colour": ["Unknown field."]})
    item.refresh_from_db()
    assert item.subject != "New"


def test_moves_into_an_escalated_status_go_through_an_escalation(api, item, quality):
    answer = move(api, item, "with-trust-and-safety")
    assert (answer.status_code, answer.json()["code"]) == (409, "status_move_forbidden")
    AgentFactory(team=quality.teams.get(slug="trust-safety"))
    answer = api.post(
        "/api/escalations/",
        {"ticket": item.pk, "to_team": "trust-safety", "summary": "Credible threat."},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    item.refresh_from_db()
    assert (item.status, item.custom_status.slug) == ("escalated", "with-trust-and-safety")


def test_a_workspace_gives_its_statuses_moves_and_landings(api, quality):
    body = api.get(f"/api/workspaces/{quality.slug}/").json()
    statuses = {s["slug"]: s for s in body["statuses"]}
    assert body["builtin_workflow"] is False
    assert statuses["approved"]["next"] == ["re-approval", "closed"]
    assert statuses["with-trust-and-safety"]["from_any_status"] is True
    assert "with-trust-and-safety" in statuses["waiting-on-author"]["next"]
    assert body["system_moves"]["escalation"] == "with-trust-and-safety"
    assert body["system_moves"]["reply"] == "in-review"


def test_a_workspace_without_statuses_shows_the_built_in_workflow(api, ticket):
    body = api.get(f"/api/workspaces/{ticket.workspace.slug}/").json()
    assert body["builtin_workflow"] is True
    assert [s["slug"] for s in body["statuses"]] == [
        "new",
        "open",
        "pending",
        "on_hold",
        "escalated",
        "resolved",
        "closed",
    ]


def test_an_unknown_status_is_400_naming_the_field(api, item):
    answer = move(api, item, "nope")
    assert answer.status_code == 400
    assert "QC has no status 'nope'" in answer.json()["to_status"][0]


def test_moving_to_the_status_the_ticket_is_in_is_refused(api, item):
    answer = move(api, item, "flagged-by-ai")
    assert (answer.status_code, answer.json()["detail"]) == (
        409,
        f"Ticket #{item.pk} is Flagged by AI already.",
    )


def test_tickets_are_filtered_by_workspace_status_or_lifecycle_state(api, item, quality):
    other = make_ticket(workspace=quality, actor=SYSTEM, custom_fields=required_values(quality))
    move(api, item, "in-review")
    by_status = api.get("/api/tickets/", {"status": "in-review"}).json()
    by_state = api.get("/api/tickets/", {"state": "new"}).json()
    assert [t["id"] for t in by_status["results"]] == [item.pk]
    assert [t["id"] for t in by_state["results"]] == [other.pk]


def test_an_integration_reads_the_workspaces_workflow(quality):
    from escalations.tickets.roles import INTEGRATION
    from tests.helpers.factories import UserFactory

    bot = APIClient()
    bot.force_authenticate(UserFactory(username="bot", role=INTEGRATION))
    assert bot.get(f"/api/workspaces/{quality.slug}/").status_code == 200


def test_a_move_into_a_status_fires_the_rules_that_listen_for_it(api, item):
    from escalations.rules.models import RuleFiring

    move(api, item, "in-review")
    move(api, item, "awaiting-approval")
    fired = RuleFiring.objects.filter(ticket=item).values_list("rule_name", flat=True)
    assert "Decisions waiting for approval" in fired
