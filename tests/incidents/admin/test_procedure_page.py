"""The escalation procedure: one printable page read from the workspace's live configuration."""

import pytest

from escalations.ai.models import EscalationPolicy
from escalations.incidents.models import CommunicationPlan, PlanContact
from escalations.tickets.models import Team
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace():
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    return template_instantiate(template=template, name="Acme support")


def test_the_procedure_page_shows_levels_triggers_and_contacts(client, manager_user, workspace):
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/workspace/{workspace.pk}/procedure/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "When the AI hands over" in text
    assert "Purpose" in text and "Every conversation the AI assistant answers" in text
    assert "Tier 2 specialists" in text and "Tier 3 engineering" in text
    assert "AI confidence below 0.80" in text
    assert "Missed first response" in text and "Tier 2 takes over" in text
    assert "Who is told at each level" in text and "Fix defects and outages" in text
    assert "speak to a human" in text


def test_the_page_follows_the_live_configuration(client, manager_user, workspace):
    Team.objects.filter(workspace=workspace, slug="tier-3").update(name="Platform engineering")
    EscalationPolicy.objects.filter(workspace=workspace, name="Everything else").update(
        min_confidence="0.65"
    )
    client.force_login(manager_user)
    text = client.get(f"/admin/escalations/workspace/{workspace.pk}/procedure/").content.decode()
    assert "Platform engineering" in text and "Tier 3 engineering" not in text
    assert "AI confidence below 0.65" in text


def test_the_workspace_page_links_to_it_and_it_needs_the_right_to_see_workspaces(
    client, manager_user, workspace
):
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/workspace/{workspace.pk}/change/")
    assert f"/admin/escalations/workspace/{workspace.pk}/procedure/" in page.content.decode()
    client.force_login(UserFactory())  # staff, but no role
    assert client.get(f"/admin/escalations/workspace/{workspace.pk}/procedure/").status_code == 403


def test_the_procedure_lists_each_process_step_with_its_owner_and_sign_off(client, manager_user):
    template = WorkflowTemplate.objects.get(slug="itsm")
    itsm = template_instantiate(template=template, name="IT desk")
    client.force_login(manager_user)
    text = client.get(f"/admin/escalations/workspace/{itsm.pk}/procedure/").content.decode()
    assert "Steps, owners and sign-offs" in text
    assert "Sign-offs are asked for at Awaiting approval;" in text
    assert "<td>4. CAB approval</td><td>Change advisory board</td><td>yes (change)</td>" in text


def level_row(text: str, team_name: str) -> str:
    """The escalation-levels row of one team."""
    levels = text.split("<h2>Escalation levels</h2>", 1)[1].split("</table>", 1)[0]
    return next(row for row in levels.split("<tr>") if f"<td>{team_name}" in row)


def test_each_level_names_the_contacts_the_procedure_gives_its_team(client, manager_user):
    template = WorkflowTemplate.objects.get(slug="escalation-procedure")
    workspace = template_instantiate(template=template, name="Northwind support")
    client.force_login(manager_user)
    text = client.get(f"/admin/escalations/workspace/{workspace.pk}/procedure/").content.decode()
    row = level_row(text, "Level 2 - technical and billing specialists")
    assert "Level 2 specialists (Chat: #support-l2)" in row
    assert "Level 2 outside business hours (Phone: +49 30 901820 12)" in row
    assert "Level 1 team lead" not in row


def test_a_level_names_a_communication_plan_contact_of_its_team(client, manager_user, workspace):
    tier_2 = Team.objects.get(workspace=workspace, slug="tier-2")
    plan = CommunicationPlan.objects.create(
        workspace=workspace, title="Outages", critical_incident="Checkout down."
    )
    PlanContact.objects.create(
        plan=plan, name="Ines Duarte", team=tier_2, channel="phone", address="+351 21 000 0000"
    )
    client.force_login(manager_user)
    text = client.get(f"/admin/escalations/workspace/{workspace.pk}/procedure/").content.decode()
    assert "Ines Duarte (Phone: +351 21 000 0000)" in level_row(text, "Tier 2 specialists")
    assert "Ines Duarte" not in level_row(text, "Tier 3 engineering")
