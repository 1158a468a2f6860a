import json

import pytest
from django.urls import reverse

from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_set_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_set(l1_team, billing_team):
    return rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))


def post_rule(client, rule_set, **overrides):
    data = {
        "rule_set": rule_set.pk,
        "name": "VIP refunds",
        "triggers": ["ticket_created"],
        "condition": json.dumps({"field": "customer.tier", "op": "is", "value": "vip"}),
        "actions": json.dumps([{"type": "escalate", "value": "billing"}]),
        "position": 1,
        "is_active": "on",
    }
    data.update(overrides)
    return client.post(reverse("admin:escalations_rule_add"), data)


def test_manager_creates_a_rule_and_the_set_version_rises(client, manager_user, rule_set):
    client.force_login(manager_user)
    response = post_rule(client, rule_set)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = Rule.objects.get()
    assert rule.actions == [{"type": "escalate", "value": "billing", "detail": ""}]
    assert RuleSet.objects.get().version == rule_set.version + 1
    assert rule.history.count() == 1


def test_an_invalid_rule_is_refused_at_save_time_with_the_problem(client, manager_user, rule_set):
    client.force_login(manager_user)
    response = post_rule(
        client,
        rule_set,
        condition=json.dumps({"field": "subject", "op": "matches", "value": "(oops"}),
        actions=json.dumps([{"type": "set_team", "value": "marketing"}]),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "not a valid regular expression" in errors["condition"][0]
    assert "the workspace has no team 'marketing'" in errors["actions"][0]
    assert not Rule.objects.exists()


def test_agents_cannot_edit_rules(client, agent_user, rule_set):
    client.force_login(agent_user)
    assert post_rule(client, rule_set).status_code == 403
    assert client.get(reverse("admin:escalations_rule_changelist")).status_code == 200


def test_copy_as_draft_and_publish(client, manager_user, rule_set):
    client.force_login(manager_user)
    post_rule(client, rule_set)
    copy_url = reverse("admin:escalations_ruleset_copy_as_draft", args=[rule_set.pk])
    asked = client.get(copy_url)
    assert "Make a draft copy" in asked.content.decode()
    assert RuleSet.objects.count() == 1  # a GET only asks
    client.post(copy_url)
    draft = RuleSet.objects.get(is_live=False)
    assert draft.rules.count() == 1 and draft.based_on == rule_set
    client.post(reverse("admin:escalations_ruleset_publish", args=[draft.pk]))
    assert RuleSet.objects.get(is_live=True) == draft
    assert RuleSet.objects.get(pk=rule_set.pk).is_live is False


def test_a_rule_change_is_in_its_history_and_can_be_reverted(client, manager_user, rule_set):
    client.force_login(manager_user)
    post_rule(client, rule_set)
    rule = Rule.objects.get()
    change = reverse("admin:escalations_rule_change", args=[rule.pk])
    data = {
        "rule_set": rule_set.pk,
        "name": "VIP refunds, renamed",
        "triggers": ["ticket_created"],
        "condition": json.dumps(rule.condition),
        "actions": json.dumps(rule.actions),
        "position": 1,
        "is_active": "on",
    }
    assert client.post(change, data).status_code == 302
    history = list(rule.history.order_by("history_date"))
    assert [h.name for h in history] == ["VIP refunds", "VIP refunds, renamed"]
    assert history[-1].history_user == manager_user

    first = history[0]
    revert = reverse("admin:escalations_rule_simple_history", args=[rule.pk, first.history_id])
    page = client.get(revert)
    assert page.status_code == 200
    assert client.post(revert, {**data, "name": first.name}).status_code == 302
    rule.refresh_from_db()
    assert rule.name == "VIP refunds" and rule.version == 3
