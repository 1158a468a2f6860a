"""Browsing the catalog in the admin: the list, and what a template sets up."""

from html import unescape

import pytest

from templates_catalog.models import WorkflowTemplate

pytestmark = pytest.mark.django_db


def test_a_manager_browses_the_ten_templates(client, manager_user):
    client.force_login(manager_user)
    page = client.get("/admin/templates_catalog/workflowtemplate/")
    assert page.status_code == 200
    text = page.content.decode()
    for template in WorkflowTemplate.objects.all():
        assert template.name in text and template.category in text
    assert "3 teams, 7 statuses, 4 fields, 2 SLA policies, 2 rules, 1 document" in text


def test_a_template_page_previews_what_it_creates(client, manager_user):
    client.force_login(manager_user)
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    page = client.get(f"/admin/templates_catalog/workflowtemplate/{template.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "What using this template creates" in text
    assert "Tier 2 specialists (L2, escalation target)" in text
    assert "With a specialist → Escalated" in text
    assert "Missed first response: Remind Tier 1 → Tier 2 takes over → Tier 3 on call" in text
    assert "4 activities, 5 roles" in text


def test_templates_cannot_be_edited_in_the_admin_only_read(client, manager_user, agent_user):
    client.force_login(manager_user)
    assert client.get("/admin/templates_catalog/workflowtemplate/add/").status_code == 403
    template = WorkflowTemplate.objects.first()
    before = template.spec
    response = client.post(
        f"/admin/templates_catalog/workflowtemplate/{template.pk}/change/", {"name": "Mine"}
    )
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.spec == before


def test_an_agent_reads_the_catalog_but_is_not_offered_its_use(client, agent_user):
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(agent_user)

    listing = client.get("/admin/templates_catalog/workflowtemplate/")
    page = client.get(f"/admin/templates_catalog/workflowtemplate/{template.pk}/change/")
    use = client.get(f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/")

    assert listing.status_code == 200 and template.name in listing.content.decode()
    assert page.status_code == 200
    assert "What using this template creates" in page.content.decode()
    assert "use-template-link" not in page.content.decode()
    assert use.status_code == 403
    text = unescape(use.content.decode())
    assert 'id="refusal"' in text and "Escalation workflows" in text  # the admin's own page
    assert "your role does not add workspaces" in text


def test_a_manager_uses_a_template_to_make_a_workspace(client, manager_user):
    from escalations.tickets.models import Workspace
    from tests.helpers.factories import AgentFactory, TeamFactory

    old = TeamFactory(name="Old helpdesk")
    agent = AgentFactory(team=old)
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(manager_user)
    url = f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/"
    assert (
        "Use template"
        in client.get(
            f"/admin/templates_catalog/workflowtemplate/{template.pk}/change/"
        ).content.decode()
    )
    assert client.get(url).status_code == 200

    response = client.post(url, {"name": "Acme support", "members_tier-1": old.pk}, follow=True)

    workspace = Workspace.objects.get(slug="acme-support")
    assert response.redirect_chain[-1][0] == f"/admin/escalations/workspace/{workspace.pk}/change/"
    assert "Acme support is ready, made from Customer-service escalation (v2)" in (
        response.content.decode()
    )
    assert list(workspace.teams.get(slug="tier-1").agents.all()) == [agent]


def used(client, template, **members):
    """Use the template (members: the template's team key → an existing team); the message."""
    url = f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/"
    data = {"name": "Acme support", **{f"members_{key}": t.pk for key, t in members.items()}}
    response = client.post(url, data, follow=True)
    return unescape(" ".join(str(m) for m in response.context["messages"]))


def test_the_message_after_use_asks_for_agents_only_where_none_were_chosen(client, manager_user):
    from tests.helpers.factories import AgentFactory, TeamFactory

    old = TeamFactory(name="Old helpdesk")
    AgentFactory(team=old)
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(manager_user)
    made = "Acme support is ready, made from Customer-service escalation (v2): "

    message = used(client, template, **{"tier-1": old, "tier-2": old, "tier-3": old})

    assert message.startswith(made) and message.endswith(". Its teams have their agents.")
    assert "add their agents" not in message and "Add agents" not in message


def test_the_message_after_use_names_the_teams_still_without_agents(client, manager_user):
    from tests.helpers.factories import AgentFactory, TeamFactory

    old = TeamFactory(name="Old helpdesk")
    AgentFactory(team=old)
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(manager_user)

    message = used(client, template, **{"tier-1": old})

    assert message.endswith(". Add agents to Tier 2 specialists, Tier 3 engineering to start.")


def test_the_message_after_use_without_members_asks_to_staff_the_teams(client, manager_user):
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(manager_user)

    message = used(client, template)

    assert message.endswith(". Rename the teams and add their agents to start.")


def test_the_use_page_says_in_a_sentence_what_using_the_template_does(client, manager_user):
    template = WorkflowTemplate.objects.get(slug="quality-control-checklist")
    client.force_login(manager_user)

    page = client.get(f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/")

    assert (
        "This makes a new workspace with everything the template Quality-control checklist "
        "(version 3) sets up. The template itself never changes."
    ) in unescape(page.content.decode())


def test_using_a_template_under_a_taken_name_shows_the_error_and_creates_nothing(
    client, manager_user
):
    from escalations.tickets.models import Workspace

    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(manager_user)
    url = f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/"
    client.post(url, {"name": "Acme support"})
    count = Workspace.objects.count()

    response = client.post(url, {"name": "Acme Support"})

    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert Workspace.objects.count() == count


def test_only_those_who_may_add_workspaces_can_use_a_template(client, read_only_user):
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    client.force_login(read_only_user)
    page = client.get(f"/admin/templates_catalog/workflowtemplate/{template.pk}/change/")
    assert page.status_code == 200 and "use-template-link" not in page.content.decode()
    url = f"/admin/templates_catalog/workflowtemplate/{template.pk}/use/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Mine"}).status_code == 403
