"""The list endpoints' and the report's filters: workspaces and teams by slug or id, agents by
login or id, and every value that names nothing or is malformed a 400 naming the parameter."""

import pytest
from rest_framework.test import APIClient

from escalations.rules.models import Rule, RuleSet
from escalations.tickets.models import CustomStatus, TicketStatus
from tests.helpers.factories import AgentFactory, TeamFactory, WorkspaceFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager_user):
    client = APIClient()
    client.force_authenticate(manager_user)
    return client


@pytest.fixture
def two_workspaces(l1_team, actor):
    """A ticket in each of two workspaces whose teams share the slug "general"."""
    other = TeamFactory(workspace=WorkspaceFactory(slug="outlet"), slug="general", name="Outlet")
    here = make_ticket(team=l1_team, actor=actor)
    there = make_ticket(team=other, actor=actor)
    return here, there


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_tickets_are_filtered_by_workspace_slug_or_id_alike(api, two_workspaces):
    here, _ = two_workspaces
    workspace = here.workspace
    by_slug = ids(api.get("/api/tickets/", {"workspace": workspace.slug}))
    by_id = ids(api.get("/api/tickets/", {"workspace": workspace.pk}))
    assert by_slug == by_id == [here.pk]


def test_tickets_are_filtered_by_team_slug_or_id_alike(api, two_workspaces, l1_team):
    here, there = two_workspaces
    assert ids(api.get("/api/tickets/", {"team": l1_team.pk})) == [here.pk]
    assert ids(api.get("/api/tickets/", {"team": there.team_id})) == [there.pk]
    named = {"team": "general", "workspace": "outlet"}
    assert ids(api.get("/api/tickets/", named)) == [there.pk]


def test_a_team_slug_two_workspaces_share_needs_the_workspace_or_the_id(api, two_workspaces):
    response = api.get("/api/tickets/", {"team": "general"})
    assert response.status_code == 400
    assert "give the team's id, or the workspace" in response.json()["team"][0]


def test_a_team_of_another_workspace_is_a_field_error(api, two_workspaces, l1_team):
    response = api.get("/api/tickets/", {"team": l1_team.pk, "workspace": "outlet"})
    assert response.json() == {"team": ["The team belongs to another workspace."]}
    response = api.get("/api/tickets/", {"team": "billing", "workspace": "outlet"})
    outlet = two_workspaces[1].workspace
    assert response.json() == {"team": [f"{outlet.name} has no team 'billing'."]}


def test_tickets_are_filtered_by_assignee_login_or_id_alike(api, ticket, l1_team, actor):
    from escalations.tickets.services.tickets import ticket_update

    agent = AgentFactory(team=l1_team)
    ticket_update(ticket=ticket, actor=actor, changes={"assignee": agent})
    assert ids(api.get("/api/tickets/", {"assignee": agent.user.username})) == [ticket.pk]
    assert ids(api.get("/api/tickets/", {"assignee": agent.pk})) == [ticket.pk]


def test_a_workspace_status_slug_filters_and_one_of_another_workspace_is_refused(
    api, ticket, two_workspaces
):
    CustomStatus.objects.create(
        workspace=ticket.workspace, name="Triage", slug="triage", lifecycle_state="open"
    )
    assert ids(api.get("/api/tickets/", {"status": "triage"})) == []
    response = api.get("/api/tickets/", {"status": "triage", "workspace": "outlet"})
    assert response.status_code == 400 and "has no status 'triage'" in response.json()["status"][0]


def test_a_valid_filter_that_matches_nothing_is_an_empty_page(api, ticket):
    assert ids(api.get("/api/tickets/", {"state": TicketStatus.CLOSED})) == []
    assert ids(api.get("/api/tickets/", {"tag": "never-used"})) == []


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("/api/tickets/", "workspace", "nowhere"),
        ("/api/tickets/", "workspace", "999999"),
        ("/api/tickets/", "team", "nobody"),
        ("/api/tickets/", "team", "999999"),
        ("/api/tickets/", "assignee", "ghost"),
        ("/api/tickets/", "assignee", "999999"),
        ("/api/tickets/", "status", "limbo"),
        ("/api/tickets/", "status", "open,limbo"),
        ("/api/tickets/", "state", "limbo"),
        ("/api/tickets/", "priority", "urgentest"),
        ("/api/tickets/", "tier", "9"),
        ("/api/tickets/", "channel", "pigeon"),
        ("/api/tickets/", "customer_email", "not-an-address"),
        ("/api/tickets/", "customer_email", "nobody@example.org"),
        ("/api/tickets/", "created_after", "yesterday"),
        ("/api/tickets/", "created_before", "2026-13-01"),
        ("/api/tickets/", "sla_breached", "maybe"),
        ("/api/tickets/", "limit", "ten"),
        ("/api/tickets/", "limit", "0"),
        ("/api/tickets/", "offset", "-1"),
        ("/api/escalations/", "kind", "whim"),
        ("/api/escalations/", "ticket", "999999"),
        ("/api/escalations/", "ticket", "abc"),
        ("/api/teams/", "tier", "7"),
        ("/api/teams/", "is_escalation_target", "maybe"),
        ("/api/rules/", "rule_set", "999999"),
        ("/api/rules/", "is_active", "sometimes"),
        ("/api/sla-policies/", "limit", "x"),
        ("/api/workspaces/", "offset", "x"),
        ("/api/reports/escalations/", "workspace", "nowhere"),
        ("/api/reports/escalations/", "workspace", "999999"),
        ("/api/reports/escalations/", "team", "nobody"),
        ("/api/reports/escalations/", "team", "999999"),
        ("/api/reports/escalations/", "start", "soon"),
        ("/api/reports/escalations/", "changed_on", "2026-02-30"),
    ],
)
def test_a_filter_value_that_names_nothing_or_is_malformed_is_a_field_error(
    api, ticket, path, parameter, value
):
    response = api.get(path, {parameter: value})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/tickets/", "sla_breached"),
        ("/api/teams/", "is_escalation_target"),
        ("/api/rules/", "is_active"),
    ],
)
def test_boolean_filters_take_true_and_false(api, ticket, billing_team, path, parameter):
    rule_set = RuleSet.objects.create(workspace=ticket.workspace, name="Live")
    Rule.objects.create(rule_set=rule_set, name="On", triggers=["ticket_created"])
    yes = api.get(path, {parameter: "true"}).json()["count"]
    no = api.get(path, {parameter: "false"}).json()["count"]
    everything = api.get(path).json()["count"]
    assert yes + no == everything and everything > 0


def test_the_report_takes_the_workspace_and_team_by_slug_or_id_alike(api, l1_team):
    workspace = l1_team.workspace
    by_slug = api.get(
        "/api/reports/escalations/", {"workspace": workspace.slug, "team": l1_team.slug}
    )
    by_id = api.get("/api/reports/escalations/", {"workspace": workspace.pk, "team": l1_team.pk})
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.json() == by_id.json()


# Writes take what reads give: the ids a ticket answers with, or the slugs and logins.


def test_a_ticket_is_opened_with_the_workspace_and_team_ids_a_ticket_answers_with(
    api, ticket, l1_team
):
    read = api.get(f"/api/tickets/{ticket.pk}/").json()
    payload = {
        "workspace": read["workspace"],
        "team": read["team"],
        "subject": "Opened with ids",
        "customer": {"email": "ids@example.com"},
    }
    response = api.post("/api/tickets/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["workspace"] == ticket.workspace_id
    assert response.json()["team"] == l1_team.pk


def test_a_workspace_or_team_that_names_nothing_is_a_field_error_on_write(api, ticket):
    payload = {"workspace": 9999, "subject": "x", "customer": {"email": "x@example.com"}}
    response = api.post("/api/tickets/", payload, format="json")
    assert response.status_code == 400
    assert "There is no workspace '9999'" in response.json()["workspace"][0]
    payload = {**payload, "workspace": ticket.workspace_id, "team": 9999}
    response = api.post("/api/tickets/", payload, format="json")
    assert response.status_code == 400
    assert "no team '9999'" in response.json()["team"][0]


def test_a_ticket_is_assigned_by_the_agent_id_it_answers_with_or_by_login(api, ticket, l1_team):
    billing_agent = AgentFactory(display_name="Yong Li", team=l1_team)
    by_id = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": billing_agent.pk}, format="json")
    assert by_id.status_code == 200, by_id.json()
    assert by_id.json()["assignee"] == billing_agent.pk
    login = billing_agent.user.username
    by_login = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": login}, format="json")
    assert by_login.json()["assignee"] == billing_agent.pk
    unknown = api.patch(f"/api/tickets/{ticket.pk}/", {"assignee": 9999}, format="json")
    assert unknown.status_code == 400
    assert "There is no agent '9999'" in unknown.json()["assignee"][0]


def test_an_escalation_names_its_team_and_agent_by_id_or_by_slug_and_login(
    api, ticket, billing_team, billing_agent
):
    payload = {
        "ticket": ticket.pk,
        "to_team": billing_team.pk,
        "to_agent": billing_agent.pk,
        "summary": "Refund over the limit.",
    }
    response = api.post("/api/escalations/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["to_team"] == "billing"


@pytest.mark.parametrize("parameter", ["workspace", "team"])
def test_a_filter_value_with_a_nul_byte_names_nothing(api, ticket, parameter):
    response = api.get("/api/reports/escalations/", {parameter: "sup\x00port"})
    assert response.status_code == 400
    assert parameter in response.json()
