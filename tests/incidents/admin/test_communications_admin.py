"""Communication plans in the admin: starting one for an incident, refused with the reason
when it cannot run, and sending status updates."""

import pytest

from escalations.incidents.models import CommunicationPlan, IncidentCommunication, StatusUpdate
from escalations.incidents.services.communications import communication_start
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(l1_team):
    return CommunicationPlan.objects.create(
        workspace=l1_team.workspace,
        title="Critical incidents",
        critical_incident="Checkout down.",
        update_every_minutes=30,
        update_channels=["status_page", "email"],
    )


def test_a_manager_starts_the_plan_for_an_incident(client, manager_user, plan, ticket):
    client.force_login(manager_user)
    response = client.post(
        "/admin/escalations/incidentcommunication/add/",
        {"plan": plan.pk, "ticket": ticket.pk, "owner": manager_user.pk},
    )
    assert response.status_code == 302
    communication = IncidentCommunication.objects.get()
    assert communication.next_update_due_at is not None
    page = client.get(f"/admin/escalations/incidentcommunication/{communication.pk}/change/")
    assert "A status update every 30 minutes" in page.content.decode()
    assert 'id="send-status-update"' in page.content.decode()


def test_a_plan_is_owned_only_by_an_active_admin_user_who_sends_status_updates(
    client, manager_user, agent_user, read_only_user, plan, ticket
):
    from escalations.tickets.roles import INTEGRATION
    from tests.helpers.factories import UserFactory

    bot = UserFactory(username="chatbot", is_staff=False, role=INTEGRATION)
    gone = UserFactory(username="left-us", role=ROLES["agent"], is_active=False)
    outsider = UserFactory(username="no-role")
    client.force_login(manager_user)

    page = client.get("/admin/escalations/incidentcommunication/add/")
    refused = client.post(
        "/admin/escalations/incidentcommunication/add/",
        {"plan": plan.pk, "ticket": ticket.pk, "owner": bot.pk},
    )

    offered = set(page.context["adminform"].form.fields["owner"].queryset)
    assert offered == {manager_user, agent_user}
    assert not offered & {bot, gone, outsider, read_only_user}
    assert refused.status_code == 200 and "owner" in refused.context["adminform"].form.errors
    assert not IncidentCommunication.objects.exists()


def test_the_service_refuses_an_owner_who_cannot_send_status_updates(
    read_only_user, plan, ticket, actor
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        communication_start(plan=plan, ticket=ticket, owner=read_only_user, actor=actor)

    assert refused.value.message_dict["owner"] == [
        "rita cannot own the plan: its owner signs in to the admin and sends status updates "
        "(a support manager or an agent)."
    ]
    assert not IncidentCommunication.objects.exists()


def test_a_plan_for_a_resolved_incident_is_refused_on_the_form(
    client, manager_user, plan, ticket, actor
):
    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    client.force_login(manager_user)
    response = client.post(
        "/admin/escalations/incidentcommunication/add/",
        {"plan": plan.pk, "ticket": ticket.pk, "owner": manager_user.pk},
    )
    assert response.status_code == 200
    assert "is no longer active" in response.content.decode()
    assert not IncidentCommunication.objects.exists()


def test_an_agent_sends_a_status_update_and_it_is_logged(
    client, agent_user, manager_user, plan, ticket, actor
):
    communication = communication_start(plan=plan, ticket=ticket, owner=agent_user, actor=actor)
    client.force_login(agent_user)
    url = f"/admin/escalations/incidentcommunication/{communication.pk}/send/"
    page = client.get(url)
    assert page.status_code == 200 and "Status page" in page.content.decode()
    assert "Pager" not in page.content.decode()  # only the plan's channels are offered

    refused = client.post(url, {"text": "", "channels": ["email"]})
    assert refused.status_code == 200 and not StatusUpdate.objects.exists()
    response = client.post(url, {"text": "Fixed for most users.", "channels": ["status_page"]})

    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.sent_by, update.channels, update.text) == (
        agent_user,
        ["status_page"],
        "Fixed for most users.",
    )


def test_read_only_users_cannot_start_plans_or_send_updates(
    client, read_only_user, plan, ticket, actor, manager_user
):
    communication = communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    client.force_login(read_only_user)
    assert client.get("/admin/escalations/incidentcommunication/add/").status_code == 403
    url = f"/admin/escalations/incidentcommunication/{communication.pk}/send/"
    assert client.post(url, {"text": "x", "channels": ["email"]}).status_code == 403
    assert not StatusUpdate.objects.exists()


def test_the_status_updates_name_their_channels_in_words(client, manager_user, plan, ticket, actor):
    communication = communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    StatusUpdate.objects.create(
        communication=communication, channels=["status_page", "email"], text="Investigating."
    )
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/incidentcommunication/{communication.pk}/change/")
    html = page.content.decode()
    assert "Status page, E-mail" in html
    assert "&quot;status_page&quot;" not in html  # not the stored JSON list
