"""AI hand-over screens: escalation policies, verdicts, and the hand-over on the ticket page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from escalations.ai.models import AiVerdict, EscalationPolicy
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core.actors import Actor

pytestmark = pytest.mark.django_db


def policy_form(workspace, **overrides):
    data = {
        "workspace": workspace.pk,
        "name": "Refunds",
        "categories": "refund, chargeback",
        "is_active": "on",
        "min_confidence": "0.9",
        "sentiment_floor": "",
        "keywords": "cancel\nKündigen\n\ncancel",
        "customer_tiers": "vip",
        "required_fields": "",
        "check_field_formats": "on",
        "escalate_on_flags": "fraud",
        "to_tier": 2,
        "to_team": "",
    }
    return {**data, **overrides}


def test_manager_writes_a_policy_without_code(client, manager_user, l1_team):
    client.force_login(manager_user)
    url = reverse("admin:escalations_escalationpolicy_add")

    response = client.post(url, policy_form(l1_team.workspace))

    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = EscalationPolicy.objects.get()
    assert policy.categories == ["chargeback", "refund"]
    assert policy.keywords == ["cancel", "Kündigen"]
    assert policy.min_confidence == Decimal("0.9")
    assert policy.history.count() == 1  # versioned: who and when


def test_a_policy_that_cannot_work_is_a_form_error_and_nothing_is_saved(
    client, manager_user, l1_team
):
    client.force_login(manager_user)
    url = reverse("admin:escalations_escalationpolicy_add")
    client.post(url, policy_form(l1_team.workspace))

    refused = client.post(
        url, policy_form(l1_team.workspace, name="Other", categories="Refund", min_confidence="2")
    )

    assert refused.status_code == 200
    text = refused.content.decode()
    assert "refund is already covered by Refunds" in text
    assert "between 0 and 1" in text
    assert EscalationPolicy.objects.count() == 1


def test_verdicts_are_listed_read_only_with_their_checks(
    client, manager_user, agent_user, ticket, billing_team
):
    EscalationPolicy.objects.create(
        workspace=ticket.workspace, name="Default", is_default=True, min_confidence=Decimal("0.8")
    )
    verdict = ai_verdict_record(
        ticket=ticket,
        actor=Actor.system("bot"),
        confidence=0.4,
        intent="billing",
        attempted_solutions=["Sent the invoice copy"],
    )
    for user in (manager_user, agent_user):
        client.force_login(user)
        listing = client.get(reverse("admin:escalations_aiverdict_changelist"))
        assert (
            listing.status_code == 200
            and "AI confidence 0.4 is below 0.8" in listing.content.decode()
        )
        page = client.get(reverse("admin:escalations_aiverdict_change", args=[verdict.pk]))
        assert "verdict-check" in page.content.decode()
        assert client.get(reverse("admin:escalations_aiverdict_add")).status_code == 403
    assert AiVerdict.objects.count() == 1

    ticket_page = client.get(reverse("admin:escalations_ticket_change", args=[ticket.pk]))
    text = ticket_page.content.decode()
    assert "What the AI tried" in text and "Sent the invoice copy" in text
    assert "Customer (CRM at hand-over)" in text and ticket.customer.name in text
