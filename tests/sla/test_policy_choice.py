"""Which tickets an SLA policy takes: its conditions, or an explicit "applies to every ticket";
and how many working tickets an edited policy would take before it is saved."""

import pytest
from django.core.exceptions import ValidationError

from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.sla.models import SlaPolicy
from escalations.sla.selectors import policy_for, policy_reach
from escalations.sla.services.sync import ERR_POLICY_ELSEWHERE, sla_apply_policy
from escalations.tickets.models import Ticket, Workspace
from tests.helpers.factories import make_ticket
from tests.helpers.sla import make_policy

pytestmark = pytest.mark.django_db


def test_a_policy_without_conditions_takes_no_ticket_ahead_of_the_default(l1_team, actor):
    workspace = l1_team.workspace
    default = make_policy(workspace, name="Standard", position=10)
    make_policy(workspace, name="Billing standard", is_default=False, position=1)

    ticket = make_ticket(team=l1_team, actor=actor, topic="returns")

    assert policy_for(ticket) == default
    ticket.refresh_from_db()
    assert ticket.sla_policy == default


def test_a_policy_for_every_ticket_takes_them_ahead_of_the_default(l1_team, actor):
    workspace = l1_team.workspace
    make_policy(workspace, name="Standard", position=10)
    everyone = make_policy(
        workspace, name="Everyone", is_default=False, position=1, applies_to_all=True
    )

    ticket = make_ticket(team=l1_team, actor=actor, topic="returns")

    assert policy_for(ticket) == everyone


def test_a_rule_still_applies_a_policy_without_conditions(l1_team, actor):
    workspace = l1_team.workspace
    make_policy(workspace, name="Standard", position=10)
    billing = make_policy(workspace, name="Billing standard", is_default=False, position=1)
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Billing questions",
            triggers=["ticket_created"],
            actions=[{"type": "apply_sla_policy", "value": "Billing standard"}],
        )
    )

    ticket = make_ticket(team=l1_team, actor=actor)

    ticket.refresh_from_db()
    assert (ticket.sla_policy, ticket.sla_policy_pinned) == (billing, True)


def test_a_policy_for_every_ticket_with_conditions_is_refused(l1_team):
    policy = SlaPolicy(
        workspace=l1_team.workspace, name="Mixed", applies_to_all=True, match_topics=["billing"]
    )

    with pytest.raises(ValidationError) as refused:
        policy.full_clean()

    assert "applies_to_all" in refused.value.message_dict


def test_the_reach_of_an_unsaved_policy_counts_the_working_tickets_it_would_take(l1_team, actor):
    workspace = l1_team.workspace
    make_policy(workspace, name="Standard", position=10)
    for topic in ("billing", "billing", "returns"):
        make_ticket(team=l1_team, actor=actor, topic=topic)
    solved = make_ticket(team=l1_team, actor=actor, topic="billing")
    Ticket.objects.filter(pk=solved.pk).update(status="resolved")
    billing = SlaPolicy(workspace=workspace, name="Billing", position=1, match_topics=["billing"])
    everyone = SlaPolicy(workspace=workspace, name="Everyone", position=1, applies_to_all=True)
    nobody = SlaPolicy(workspace=workspace, name="Nobody", position=1)

    assert (policy_reach(billing).tickets, policy_reach(billing).from_others) == (2, 2)
    assert (policy_reach(everyone).tickets, policy_reach(everyone).from_others) == (3, 3)
    assert (policy_reach(nobody).tickets, policy_reach(nobody).from_others) == (0, 0)
    assert SlaPolicy.objects.count() == 1  # nothing saved


def test_a_policy_of_another_workspace_is_refused_and_the_ticket_keeps_its_own(l1_team, actor):
    own = make_policy(l1_team.workspace)
    elsewhere = make_policy(Workspace.objects.create(name="Other", slug="other"), name="Theirs")
    ticket = make_ticket(team=l1_team, actor=actor, body="hi")

    with pytest.raises(ValidationError) as refused:
        sla_apply_policy(ticket=ticket, policy=elsewhere, actor=actor)

    assert refused.value.message_dict == {"sla_policy": [str(ERR_POLICY_ELSEWHERE)]}
    ticket.refresh_from_db()
    assert (ticket.sla_policy_id, ticket.sla_policy_pinned) == (own.pk, False)
