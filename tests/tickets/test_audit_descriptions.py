import pytest

from escalations.core.models import EventType
from escalations.tickets.audit import event_description
from escalations.tickets.models import Priority
from escalations.tickets.services.tickets import ticket_update
from escalations.tickets.services.transitions import ticket_step

pytestmark = pytest.mark.django_db


def test_audit_lines_name_the_field_and_use_labels(ticket, actor):
    ticket_update(ticket=ticket, actor=actor, changes={"priority": Priority.HIGH})
    ticket_step(ticket=ticket, transition="start_work", actor=actor)
    ticket_step(ticket=ticket, transition="put_on_hold", actor=actor)

    lines = [event_description(e) for e in ticket.events.order_by("id")]

    assert lines == [
        "Created (New)",
        "Message added (customer)",
        "Priority: Normal → High",
        "Status: New → Open",
        "Status: Open → On hold",
    ]
    assert ticket.events.filter(event_type=EventType.STATUS_CHANGED).count() == 2


def test_the_audit_trail_names_the_policy_a_rule_applied_and_who_was_notified(
    l1_team, actor, billing_agent
):
    from escalations.rules.models import Rule, RuleSet
    from escalations.rules.services.rule_config import rule_save, rule_set_save
    from tests.helpers.factories import make_ticket
    from tests.helpers.sla import make_policy

    make_policy(l1_team.workspace, name="Standard")
    make_policy(l1_team.workspace, name="Billing standard", is_default=False, position=1)
    live = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Billing questions",
            triggers=["ticket_created"],
            actions=[
                {"type": "apply_sla_policy", "value": "Billing standard"},
                {"type": "notify", "value": "team:billing", "detail": "A billing question"},
            ],
        )
    )

    ticket = make_ticket(team=l1_team, actor=actor)

    events = ticket.events.filter(
        event_type__in=[
            EventType.SLA_POLICY_PINNED,
            EventType.SLA_POLICY_APPLIED,
            EventType.NOTIFIED,
        ]
    ).order_by("id")
    lines = [(event_description(e), e.actor_label, e.reason) for e in events]
    login = billing_agent.user.get_username()
    assert lines == [
        ("SLA policy: — → Standard", "SLA", ""),
        (
            "SLA policy Billing standard put on the ticket",
            "rule Billing questions (v1)",
            "Rule Billing questions",
        ),
        ("SLA policy: Standard → Billing standard", "rule Billing questions (v1)", ""),
        (f"Notified: {login}", "rule Billing questions (v1)", "A billing question"),
    ]
