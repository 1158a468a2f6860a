"""Configuration kept between requests is never stale: a committed change is used by the next
request, a rolled-back one never, and a request reads no configuration it already has."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations.core.config_cache import config_revision
from escalations.core.models import ConfigRevision, SignedCaller
from escalations.rules.models import Rule, RuleSet
from escalations.rules.selectors import live_rule_set
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.tickets.roles import INTEGRATION
from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def bot():
    user = integration_user_ensure(username="chatbot")
    _, raw = api_token_issue(user=user, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return user, client


@pytest.fixture
def tagging_rule(l1_team):
    live = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))
    return rule_save(
        rule=Rule(
            rule_set=live,
            name="Tag every reply",
            triggers=["customer_replied"],
            condition={"field": "subject", "op": "is_not_empty"},
            actions=[{"type": "add_tags", "value": "replied"}],
        )
    )


def say(client, ticket, text="Any news?"):
    return client.post(
        f"/api/tickets/{ticket.pk}/messages/",
        {"author_kind": "customer", "body": text},
        format="json",
    )


def test_a_role_losing_a_permission_is_refused_at_the_next_request(bot, ticket):
    _, client = bot
    assert say(client, ticket).status_code == 201
    Group.objects.get(name=INTEGRATION).permissions.remove(
        Permission.objects.get(codename="add_message")
    )
    assert say(client, ticket).status_code == 403


def test_a_caller_made_to_sign_is_refused_unsigned_at_the_next_request(bot, ticket):
    user, client = bot
    assert say(client, ticket).status_code == 201
    SignedCaller.objects.create(user=user, secret_env="HANDOFF_SIGNING_CHATBOT")
    assert say(client, ticket).status_code == 401


def test_a_rule_switched_off_stops_firing_at_the_next_delivery(bot, ticket, tagging_rule):
    _, client = bot
    assert say(client, ticket).status_code == 201
    ticket.refresh_from_db()
    assert "replied" in ticket.tags
    ticket.tags = []
    ticket.save(update_fields=["tags"])
    tagging_rule.is_active = False
    rule_save(rule=tagging_rule)
    assert say(client, ticket).status_code == 201
    ticket.refresh_from_db()
    assert ticket.tags == []


def test_a_rolled_back_change_is_never_used(l1_team, tagging_rule):
    workspace = l1_team.workspace.pk
    assert [r.name for r in live_rule_set(workspace).rules] == ["Tag every reply"]
    with pytest.raises(RuntimeError), transaction.atomic():
        tagging_rule.is_active = False
        rule_save(rule=tagging_rule)
        assert live_rule_set(workspace).rules == ()  # seen inside its own transaction
        raise RuntimeError("the change is abandoned")
    assert [r.name for r in live_rule_set(workspace).rules] == ["Tag every reply"]


def test_logging_in_is_not_a_change_of_configuration(client, manager_user):
    before = config_revision()
    manager_user.set_password("a-long-password-1")
    manager_user.save()
    changed = config_revision()
    assert changed != before
    assert client.login(username=manager_user.username, password="a-long-password-1")
    assert ConfigRevision.objects.get().token == changed


def test_a_revoked_token_is_refused_at_the_next_request(bot, ticket):
    from knox.models import AuthToken

    user, client = bot
    assert say(client, ticket).status_code == 201
    AuthToken.objects.filter(user=user).delete()
    assert say(client, ticket, "Still there?").status_code == 401


def test_a_second_delivery_reads_no_configuration(bot, ticket, tagging_rule):
    _, client = bot
    assert say(client, ticket).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert say(client, ticket, "And now?").status_code == 201
    configuration = (
        "knox_authtoken",
        "auth_permission",
        "escalations_ruleset",
        "escalations_slapolicy",
        "escalations_signedcaller",
        "escalations_businesscalendar",
    )
    read = [q["sql"] for q in queries if any(f'FROM "{t}"' in q["sql"] for t in configuration)]
    assert read == []


def test_an_agent_joining_or_leaving_a_team_counts_at_once(l1_team, ticket, actor):
    from django.core.exceptions import ValidationError

    from escalations.core.unit_of_work import request_memo as request_scope
    from escalations.tickets.models import TeamMembership
    from escalations.tickets.services.tickets import ticket_update
    from tests.helpers.factories import AgentFactory

    newcomer = AgentFactory()
    with request_scope(), pytest.raises(ValidationError):
        ticket_update(ticket=ticket, actor=actor, changes={"assignee": newcomer})
    membership = TeamMembership.objects.create(team=l1_team, agent=newcomer)
    with request_scope():
        ticket_update(ticket=ticket, actor=actor, changes={"assignee": newcomer})
    ticket.refresh_from_db()
    assert ticket.assignee == newcomer
    membership.delete()
    with request_scope(), pytest.raises(ValidationError):
        ticket_update(ticket=ticket, actor=actor, changes={"team": l1_team})
