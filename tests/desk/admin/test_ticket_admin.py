"""The ticket page: status buttons, escalation form and edits, through the services."""

import pytest
from django.urls import reverse

from escalations.core.models import EventType
from escalations.tickets.models import CustomFieldDefinition, Ticket
from tests.helpers.admin import change_url, empty_inline_management_data

pytestmark = pytest.mark.django_db


def transition(client, ticket, to_status, expected, reason=""):
    return client.post(
        reverse("admin:escalations_ticket_transition", args=[ticket.pk]),
        {"to_status": to_status, "expected_status": expected, "reason": reason},
        follow=True,
    )


def test_only_legal_moves_are_offered_as_buttons(client, agent_user, ticket):
    client.force_login(agent_user)
    page = client.get(change_url(ticket)).content.decode()
    for offered in ("Move to Open", "Move to Pending", "Move to Resolved", "Escalate…"):
        assert offered in page
    for hidden in ("closed", "on_hold", "escalated", "new"):
        assert f'name="to_status" value="{hidden}"' not in page


def test_a_button_moves_the_ticket_and_records_who_and_why(client, agent_user, ticket):
    client.force_login(agent_user)
    response = transition(client, ticket, "open", "new", reason="Taking it")

    assert "is now Open" in response.content.decode()
    event = ticket.events.get(event_type=EventType.STATUS_CHANGED)
    assert (event.actor_user, event.from_value, event.to_value, event.reason) == (
        agent_user,
        "new",
        "open",
        "Taking it",
    )


def test_a_stale_page_is_refused_with_a_clear_message(client, agent_user, ticket):
    client.force_login(agent_user)
    transition(client, ticket, "resolved", "new")
    response = transition(client, ticket, "resolved", "new")  # the same, stale, page again

    assert "changed since you looked at it: it is Resolved now, not New" in (
        response.content.decode()
    )
    assert ticket.events.filter(event_type=EventType.STATUS_CHANGED).count() == 1


def test_an_illegal_move_is_refused_with_the_allowed_ones(client, agent_user, ticket):
    client.force_login(agent_user)
    response = transition(client, ticket, "closed", "new")
    page = response.content.decode()
    assert (
        f"Ticket #{ticket.pk} is New: from there it may move to Open, Pending, Escalated or "
        "Resolved, not to Closed."
    ) in page
    assert "changed successfully" not in page and "is now" not in page
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_read_only_users_can_look_but_not_move(client, read_only_user, ticket):
    client.force_login(read_only_user)
    page = client.get(change_url(ticket)).content.decode()
    assert 'name="to_status"' not in page
    response = client.post(
        reverse("admin:escalations_ticket_transition", args=[ticket.pk]),
        {"to_status": "open", "expected_status": "new"},
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_transitions_need_post(client, agent_user, ticket):
    client.force_login(agent_user)
    response = client.get(reverse("admin:escalations_ticket_transition", args=[ticket.pk]))
    assert response.status_code == 405


def test_escalate_form_requires_a_summary(client, agent_user, ticket, billing_team):
    client.force_login(agent_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])
    response = client.post(url, {"kind": "agent_initiated", "to_team": billing_team.pk})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ticket.escalations.exists()


def test_escalate_form_hands_the_ticket_over(client, agent_user, ticket, billing_team):
    client.force_login(agent_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])
    response = client.post(
        url,
        {"kind": "agent_initiated", "to_team": billing_team.pk, "summary": "Refund > 500 EUR"},
        follow=True,
    )

    assert "was escalated to Billing" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team) == ("escalated", billing_team)
    assert ticket.escalations.get().created_by == agent_user


@pytest.fixture
def technical_team(billing_team):
    from escalations.tickets.models import Tier
    from tests.helpers.factories import TeamFactory

    return TeamFactory(
        workspace=billing_team.workspace,
        name="Technical",
        slug="technical",
        tier=Tier.L2,
        is_escalation_target=True,
    )


def agent_option(html: str, agent) -> str:
    """The agent picker's option for this agent, as rendered ('' when it is not offered)."""
    import re

    picker = re.search(r'<select name="to_agent".*?</select>', html, re.DOTALL).group(0)
    found = re.search(rf'<option value="{agent.pk}"[^>]*>', picker)
    return found.group(0) if found else ""


def test_the_escalate_form_offers_the_chosen_teams_agents(
    client, agent_user, ticket, billing_team, billing_agent, technical_team
):
    from tests.helpers.factories import AgentFactory

    engineer = AgentFactory(display_name="Tomás Ruiz", team=technical_team)
    first_line = AgentFactory(display_name="Ines Berg", team=ticket.team)  # not a target team
    client.force_login(agent_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])

    fresh = client.get(url).content.decode()
    chosen = client.post(url, {"kind": "agent_initiated", "to_team": billing_team.pk}).content

    # no team chosen yet: every member of a team it may go to, each naming their teams
    assert f'data-teams="{billing_team.pk}"' in agent_option(fresh, billing_agent)
    assert "hidden" not in agent_option(fresh, engineer)
    assert agent_option(fresh, first_line) == ""
    assert 'id="id_to_team"' in fresh and "team.addEventListener" in fresh
    # Billing chosen (the form came back for its summary): only Billing's members
    chosen = chosen.decode()
    assert "hidden" not in agent_option(chosen, billing_agent)
    assert "hidden" in agent_option(chosen, engineer)
    assert "disabled" in agent_option(chosen, engineer)


def test_the_escalate_form_refuses_an_agent_outside_the_chosen_team(
    agent_user, ticket, billing_team, technical_team
):
    from escalations.tickets.admin.escalation_forms import EscalationForm
    from tests.helpers.factories import AgentFactory

    engineer = AgentFactory(display_name="Tomás Ruiz", team=technical_team)
    data = {
        "kind": "agent_initiated",
        "to_team": billing_team.pk,
        "to_agent": engineer.pk,
        "summary": "Refund > 500 EUR",
    }

    form = EscalationForm(data, ticket=ticket)

    assert not form.is_valid()
    assert form.errors["to_agent"] == ["Tomás Ruiz is not a member of Billing (L2)."]
    assert not ticket.escalations.exists()


def test_saving_bad_custom_fields_shows_form_errors_and_keeps_the_ticket(
    client, manager_user, ticket
):
    CustomFieldDefinition.objects.create(
        workspace=ticket.workspace, key="order", label="Order", pattern=r"NW-\d{6}"
    )
    client.force_login(manager_user)
    page = client.get(change_url(ticket))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        {
            "workspace": ticket.workspace.pk,
            "customer": ticket.customer.pk,
            "team": ticket.team.pk,
            "subject": "Changed subject",
            "tags": "",
            "cf_order": "123",
            **empty_inline_management_data(),
        }
    )
    response = client.post(change_url(ticket), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["cf_order"] == [
        "Order (order): '123' is not in the expected format: a value like NW-123456 "
        "(the pattern NW-\\d{6})."
    ]
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer on fire"


def test_editing_a_ticket_in_the_admin_writes_field_events(client, manager_user, ticket):
    client.force_login(manager_user)
    page = client.get(change_url(ticket))
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "subject": "Invoice 2231 charged twice",
            "tags": "billing, vip",
            "team": ticket.team.pk,
            **empty_inline_management_data(),
            "messages-TOTAL_FORMS": "1",
            "messages-0-body": "We are checking the charge.",
        }
    )
    response = client.post(change_url(ticket), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.subject == "Invoice 2231 charged twice"
    assert ticket.tags == ["billing", "vip"]
    fields = list(
        ticket.events.filter(event_type=EventType.FIELD_CHANGED).values_list(
            "data__field", flat=True
        )
    )
    assert fields == ["subject", "tags"]
    reply = ticket.messages.get(body="We are checking the charge.")
    assert (reply.author_kind, reply.author_user, reply.is_internal) == (
        "agent",
        manager_user,
        False,
    )


def test_custom_fields_are_form_fields_of_their_type(client, manager_user, ticket):
    workspace = ticket.workspace
    for key, field_type, choices in [
        ("order", "text", []),
        ("impact", "choice", ["low", "high"]),
        ("systems", "multi_choice", ["crm", "erp"]),
        ("due", "date", []),
        ("seats", "integer", []),
        ("warranty", "boolean", []),
    ]:
        CustomFieldDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), field_type=field_type, choices=choices
        )
    client.force_login(manager_user)
    page = client.get(change_url(ticket))
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "team": ticket.team.pk,
            "tags": "",
            "cf_order": "NW-1",
            "cf_impact": "high",
            "cf_systems": ["erp"],
            "cf_due": "2026-12-24",
            "cf_seats": "3",
            "cf_warranty": "on",
            **empty_inline_management_data(),
        }
    )
    response = client.post(change_url(ticket), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.custom_fields == {
        "order": "NW-1",
        "impact": "high",
        "systems": ["erp"],
        "due": "2026-12-24",
        "seats": 3,
        "warranty": True,
    }
    event = ticket.events.get(event_type=EventType.FIELD_CHANGED)
    assert (event.data["field"], event.data["from"]) == ("custom_fields", {})


def test_a_closed_ticket_page_is_read_only(client, manager_user, ticket, actor):
    from escalations.tickets.services.transitions import ticket_step

    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    ticket_step(ticket=ticket, transition="close", actor=actor)
    client.force_login(manager_user)

    page = client.get(change_url(ticket))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="subject"' not in page.content.decode()
    assert client.post(change_url(ticket), {"subject": "x"}).status_code == 403


def test_a_new_ticket_from_the_admin_goes_through_the_service(client, agent_user, l1_team):
    from tests.helpers.factories import CustomerFactory

    customer = CustomerFactory(name="Ada Lovelace")
    client.force_login(agent_user)
    add_url = reverse("admin:escalations_ticket_add")
    page = client.get(add_url).content.decode()
    assert "lifecycle-panel" not in page and 'id="conversation"' not in page

    response = client.post(
        add_url,
        {
            "workspace": l1_team.workspace.pk,
            "subject": "Cannot log in",
            "customer": customer.pk,
            "channel": "email",
            "team": l1_team.pk,
            "tier": 1,
            "priority": 30,
            "tags": "Login",
            "custom_fields": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket = Ticket.objects.get(subject="Cannot log in")
    assert (ticket.status, ticket.tags, ticket.custom_fields) == ("new", ["login"], {})
    created = ticket.events.get(event_type=EventType.TICKET_CREATED)
    assert created.actor_user == agent_user


def test_ai_handled_work_is_listed_apart_from_peoples(client, manager_user, l1_team, actor):
    from escalations.tickets.models import Ticket
    from tests.helpers.factories import make_ticket

    by_ai = make_ticket(team=l1_team, actor=actor, subject="Where is my parcel", ai_intent="order")
    Ticket.objects.filter(pk=by_ai.pk).update(ai_intent="order_status")
    by_people = make_ticket(team=l1_team, actor=actor, subject="Refund dispute")
    client.force_login(manager_user)

    ai_page = client.get("/admin/escalations/ticket/?handled_by=ai").content.decode()
    people_page = client.get("/admin/escalations/ticket/?handled_by=people").content.decode()

    assert by_ai.subject in ai_page and by_people.subject not in ai_page
    assert by_people.subject in people_page and by_ai.subject not in people_page


def test_the_ticket_list_shows_the_time_left_of_a_clock_with_hours_to_go(
    client, manager_user, ticket
):
    from datetime import timedelta

    from django.utils import timezone

    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=timezone.now() + timedelta(hours=3))
    client.force_login(manager_user)
    page = client.get(reverse("admin:escalations_ticket_changelist")).content.decode()
    assert "2 h 59 min left" in page or "3 h left" in page
    assert ">info<" not in page.lower()
