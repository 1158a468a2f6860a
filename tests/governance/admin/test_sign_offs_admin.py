"""Sign-offs in the admin and the API: an owner approves on the sign-off page, others may not;
the API refuses to complete a hand-over whose checkpoints are not confirmed (409)."""

from html import unescape

import pytest
from rest_framework.test import APIClient

from escalations.governance.models import SignOffState, StepSignOff
from tests.helpers.factories import make_ticket
from tests.helpers.work_processes import (
    ITSM_FIELDS,
    SYSTEM,
    member_of,
    move,
    workspace_from,
)

pytestmark = pytest.mark.django_db
LIST = "/admin/escalations/stepsignoff/"


@pytest.fixture
def waiting():
    itsm = workspace_from("itsm")
    owner = member_of(itsm, "cab")
    ticket = make_ticket(workspace=itsm, topic="change", actor=SYSTEM, custom_fields=ITSM_FIELDS)
    move(ticket, itsm, "Being assessed")
    move(ticket, itsm, "Awaiting approval")
    return owner, StepSignOff.objects.get(ticket=ticket, step__name="CAB approval"), itsm


def test_an_owner_sees_what_waits_for_their_team_and_approves_it(client, waiting):
    owner, sign_off, _ = waiting
    client.force_login(owner)
    listing = unescape(client.get(f"{LIST}?whose=mine").content.decode())
    assert "CAB approval" in listing and "Service owner approval" not in listing
    page = client.get(f"{LIST}{sign_off.pk}/decide/")
    assert page.status_code == 200
    assert "Change advisory board signs this step off" in unescape(page.content.decode())
    done = client.post(f"{LIST}{sign_off.pk}/decide/", {"decision": "approve", "note": ""})
    assert done.status_code == 302
    sign_off.refresh_from_db()
    assert (sign_off.state, sign_off.decided_by) == (SignOffState.APPROVED, owner)


def test_a_refusal_without_a_reason_is_a_form_error(client, waiting):
    owner, sign_off, _ = waiting
    client.force_login(owner)
    page = client.post(f"{LIST}{sign_off.pk}/decide/", {"decision": "refuse", "note": ""})
    assert page.status_code == 200
    assert "Say why it is refused." in page.content.decode()
    sign_off.refresh_from_db()
    assert sign_off.state == SignOffState.PENDING


def test_someone_outside_the_owner_team_may_not_sign(client, waiting):
    _, sign_off, itsm = waiting
    client.force_login(member_of(itsm, "service-desk"))
    assert client.get(f"{LIST}{sign_off.pk}/decide/").status_code == 403
    response = client.post(f"{LIST}{sign_off.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 403
    sign_off.refresh_from_db()
    assert sign_off.state == SignOffState.PENDING


def test_an_agent_outside_the_owner_team_is_told_why_on_the_admin_refusal_page(client, waiting):
    _, sign_off, itsm = waiting
    client.force_login(member_of(itsm, "service-desk"))

    listing = client.get(LIST)
    page = client.get(f"{LIST}{sign_off.pk}/decide/")

    assert listing.status_code == 200 and "Sign off…" not in listing.content.decode()
    assert page.status_code == 403
    text = unescape(page.content.decode())
    assert 'id="refusal"' in text and "Escalation workflows" in text  # the admin's own page
    assert "Only a member of Change advisory board may sign off CAB approval." in text


def test_a_read_only_user_may_not_sign_even_if_in_the_team(client, read_only_user, waiting):
    _, sign_off, itsm = waiting
    from escalations.tickets.models import Agent, TeamMembership

    agent = Agent.objects.create(user=read_only_user, display_name="Rita")
    TeamMembership.objects.create(team=itsm.teams.get(slug="cab"), agent=agent)
    client.force_login(read_only_user)
    assert "Sign off…" not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}{sign_off.pk}/decide/").status_code == 403


def test_the_api_refuses_to_complete_a_hand_over_before_its_checkpoints(agent_user):
    workspace = workspace_from("software-integration")
    ticket = make_ticket(
        workspace=workspace, actor=SYSTEM, custom_fields={"task_type": "Data", "system": "CRM"}
    )
    move(ticket, workspace, "Running")
    api = APIClient()
    api.force_authenticate(agent_user)
    response = api.post(
        f"/api/tickets/{ticket.pk}/transition/", {"transition": "resolve"}, format="json"
    )
    assert response.status_code == 409
    assert "cannot be Completed yet" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.custom_status.name == "Running"
