"""Creating agents and escalations, and correcting escalations, from the admin."""

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from escalations.core.models import EventType
from escalations.tickets.models import Agent, Escalation
from escalations.tickets.services.escalations import escalation_create

pytestmark = pytest.mark.django_db


def test_manager_creates_an_agent_with_a_login_and_teams(client, manager_user, billing_team):
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_agent_add"),
        {
            "username": "nina",
            "email": "nina@example.com",
            "password": "a-long-enough-pass-42",
            "display_name": "Nina Berg",
            "teams": [billing_team.pk],
            "skills": "Refunds, VAT",
            "capacity": 8,
            "is_available": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent = Agent.objects.get(display_name="Nina Berg")
    assert list(agent.teams.all()) == [billing_team]
    assert agent.skills == ["refunds", "vat"]
    assert agent.user.groups.filter(name="Agents").exists()
    assert authenticate(username="nina", password="a-long-enough-pass-42") == agent.user


def test_a_taken_login_or_weak_password_is_a_form_error(client, manager_user, agent_user):
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_agent_add"),
        {"username": "YONG", "password": "123", "display_name": "Other", "capacity": 5},
    )
    errors = response.context["adminform"].form.errors
    assert errors["username"] == ["This login is taken."]
    assert "password" in errors
    assert not Agent.objects.filter(display_name="Other").exists()


def test_escalating_from_the_escalation_list_names_the_ticket(
    client, agent_user, ticket, billing_team
):
    client.force_login(agent_user)
    url = reverse("admin:escalations_escalation_add")
    missing = client.post(
        url, {"ticket": 9999, "kind": "agent_initiated", "to_team": billing_team.pk, "summary": "x"}
    )
    assert "There is no ticket #9999." in missing.content.decode()

    done = client.post(
        url,
        {
            "ticket": ticket.pk,
            "kind": "agent_initiated",
            "to_team": billing_team.pk,
            "summary": "Charged twice",
        },
    )
    assert done.status_code == 302
    assert ticket.escalations.get().summary == "Charged twice"


def test_read_only_users_cannot_escalate(client, read_only_user, ticket):
    client.force_login(read_only_user)
    assert client.get(reverse("admin:escalations_escalation_add")).status_code == 403
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])
    assert client.get(url).status_code == 403


def test_correcting_an_escalation_summary_keeps_the_old_text_in_the_trail(
    client, manager_user, ticket, actor, billing_team
):
    escalation = escalation_create(
        ticket=ticket,
        kind="agent_initiated",
        trigger="b",
        to_team=billing_team,
        summary="Chraged twice",
        actor=actor,
    )
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_escalation_change", args=[escalation.pk]),
        {"summary": "Charged twice", "reasons": "Refund needed\n"},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.summary, escalation.reasons) == ("Charged twice", ["Refund needed"])
    event = ticket.events.get(event_type=EventType.ESCALATION_UPDATED)
    assert event.data["changes"]["summary"] == ["Chraged twice", "Charged twice"]
    assert Escalation.objects.count() == 1


def team_form(team, **overrides):
    data = {
        "workspace": team.workspace_id,
        "name": team.name,
        "slug": team.slug,
        "tier": team.tier,
        "is_escalation_target": "on",
        "assignment_strategy": "round_robin",
        "only_available": "on",
        "max_open_per_agent": "6",
        "fallback": "next_tier",
        "fallback_team": "",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    return {**data, **overrides}


def test_manager_sets_a_team_strategy_and_a_bad_fallback_is_a_form_error(
    client, manager_user, l1_team, billing_team
):
    client.force_login(manager_user)
    url = reverse("admin:escalations_team_change", args=[billing_team.pk])

    refused = client.post(url, team_form(billing_team, fallback_team=l1_team.pk))
    assert refused.status_code == 200
    assert "is not above L2" in refused.content.decode()
    billing_team.refresh_from_db()
    assert billing_team.assignment_strategy == "least_open"  # nothing saved

    saved = client.post(url, team_form(billing_team))
    assert saved.status_code == 302
    billing_team.refresh_from_db()
    assert (billing_team.assignment_strategy, billing_team.max_open_per_agent) == (
        "round_robin",
        6,
    )
    assert billing_team.fallback == "next_tier"


def test_the_workspace_decides_whether_the_escalate_form_needs_a_summary(
    client, agent_user, ticket, billing_team
):
    client.force_login(agent_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])
    form = {"kind": "agent_initiated", "to_team": billing_team.pk, "summary": ""}

    refused = client.post(url, form)
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    assert not ticket.escalations.exists()

    workspace = ticket.workspace
    workspace.escalation_summary_required = False
    workspace.save()
    assert client.post(url, form).status_code == 302
    assert ticket.escalations.get().summary == ""


def test_the_escalating_agent_is_told_who_took_the_ticket(
    client, agent_user, ticket, billing_team, billing_agent
):
    client.force_login(agent_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])
    done = client.post(
        url,
        {"kind": "agent_initiated", "to_team": billing_team.pk, "summary": "Charged twice"},
        follow=True,
    )
    text = done.content.decode()
    assert f"was escalated to {billing_team}: assigned to Priya Shah, who has been notified" in text
