"""Every admin page opens for a support manager: list, add and change."""

import pytest
from django.contrib.auth.models import User
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalations.core.models import TicketEvent
from escalations.tickets.models import (
    CustomFieldDefinition,
    CustomStatus,
    Escalation,
    TeamMembership,
    Ticket,
)
from escalations.tickets.services.escalations import escalation_create
from tests.helpers.factories import AgentFactory, CustomerFactory, make_ticket
from tests.helpers.sla import make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ticket, actor, billing_team, billing_agent):
    CustomStatus.objects.create(
        workspace=ticket.workspace, name="Waiting", slug="waiting", lifecycle_state="pending"
    )
    CustomFieldDefinition.objects.create(workspace=ticket.workspace, key="order", label="Order")
    escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="b", to_team=billing_team, actor=actor
    )
    return ticket


MODEL_PAGES = [
    ("workspace", lambda t: t.workspace),
    ("team", lambda t: t.team),
    ("agent", lambda t: t.assignee or TeamMembership.objects.first().agent),
    ("customer", lambda t: t.customer),
    ("ticket", lambda t: t),
    ("escalation", lambda t: Escalation.objects.first()),
    ("ticketevent", lambda t: TicketEvent.objects.first()),
]
READ_ONLY_MODELS = {"ticketevent"}


@pytest.mark.parametrize(("model", "pick"), MODEL_PAGES)
def test_manager_sees_list_add_and_change_pages(client, manager_user, world, model, pick):
    client.force_login(manager_user)
    obj = pick(world)

    assert client.get(reverse(f"admin:escalations_{model}_changelist")).status_code == 200
    change = client.get(reverse(f"admin:escalations_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = client.get(reverse(f"admin:escalations_{model}_add"))
    assert add.status_code == (403 if model in READ_ONLY_MODELS else 200)


@pytest.mark.parametrize(("model", "pick"), MODEL_PAGES)
def test_list_search_answers(client, manager_user, world, model, pick):
    client.force_login(manager_user)
    response = client.get(reverse(f"admin:escalations_{model}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_admin_index_and_user_pages_open(client, manager_user, world):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-12345-x"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


def ticket_list_queries(client, count):
    with CaptureQueriesContext(__import__("django.db").db.connection) as queries:
        response = client.get(reverse("admin:escalations_ticket_changelist"))
    assert response.status_code == 200
    assert Ticket.objects.count() == count
    return len(queries)


def test_ticket_list_issues_a_constant_number_of_queries(client, manager_user, l1_team, actor):
    client.force_login(manager_user)
    agent = AgentFactory(team=l1_team)
    for index in range(3):
        make_ticket(team=l1_team, assignee=agent, actor=actor, body=f"Hello {index}")
    ticket_list_queries(client, 3)  # permissions and configuration are read once, then kept
    few = ticket_list_queries(client, 3)
    for index in range(40):
        make_ticket(
            team=l1_team, assignee=agent, customer=CustomerFactory(), actor=actor, body=f"m{index}"
        )
    many = ticket_list_queries(client, 43)
    assert few == many
    assert many <= 12


def test_front_page_shows_the_queue_with_working_links(client, agent_user, l1_team, actor):
    from escalations.tickets.models import Agent

    agent = Agent.objects.create(user=agent_user, display_name="Yong Park")
    l1_team.memberships.create(agent=agent)
    make_ticket(team=l1_team, assignee=agent, actor=actor)
    make_ticket(team=l1_team, actor=actor)
    client.force_login(agent_user)

    page = client.get(reverse("admin:index"))

    overview = page.context["overview"]
    assert [s["count"] for s in overview["statuses"]] == [2, 0, 0, 0, 0]
    assert (overview["unassigned"], overview["mine"]) == (1, 1)
    html = page.content.decode()
    tickets = reverse("admin:escalations_ticket_changelist")
    for query, expected in [
        ("?assignee__isnull=True&queue=active", 1),
        (f"?assignee__id__exact={agent.pk}&queue=active", 1),
        ("?status__exact=new", 2),
    ]:
        assert query.replace("&", "&amp;") in html
        listing = client.get(tickets + query)
        assert listing.context["cl"].result_count == expected
    awaiting = client.get(reverse("admin:escalations_escalation_changelist") + "?awaiting=human")
    assert awaiting.status_code == 200


AUTOMATION_PAGES = [
    "ruleset",
    "rule",
    "rulefiring",
    "ruledrill",
    "integration",
    "businesscalendar",
    "notification",
    "webhookdelivery",
]
ADDABLE = {"ruleset", "rule", "integration", "businesscalendar"}


@pytest.mark.parametrize("model", AUTOMATION_PAGES)
def test_manager_sees_the_automation_and_calendar_pages(client, manager_user, world, model):
    from escalations.rules.models import Rule, RuleSet
    from escalations.rules.services.rule_config import rule_save, rule_set_save

    live = rule_set_save(rule_set=RuleSet(workspace=world.workspace, name="Live", is_live=True))
    rule = rule_save(
        rule=Rule(
            rule_set=live,
            name="tag",
            triggers=["customer_replied"],
            actions=[{"type": "add_tags", "value": "x"}],
        )
    )
    client.force_login(manager_user)

    assert client.get(reverse(f"admin:escalations_{model}_changelist")).status_code == 200
    add = client.get(reverse(f"admin:escalations_{model}_add"))
    assert add.status_code == (200 if model in ADDABLE else 403)
    if model in ("ruleset", "rule"):
        obj = live if model == "ruleset" else rule
        change = client.get(reverse(f"admin:escalations_{model}_change", args=[obj.pk]))
        assert change.status_code == 200


def test_ticket_list_with_sla_policies_issues_a_constant_number_of_queries(
    client, manager_user, l1_team, actor
):
    make_policy(l1_team.workspace)
    client.force_login(manager_user)
    for index in range(3):
        make_ticket(team=l1_team, actor=actor, body=f"Hello {index}")
    ticket_list_queries(client, 3)  # permissions and configuration are read once, then kept
    few = ticket_list_queries(client, 3)
    for index in range(40):
        make_ticket(team=l1_team, actor=actor, body=f"m{index}")
    assert ticket_list_queries(client, 43) == few
