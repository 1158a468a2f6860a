"""The AI pushes its verdicts through the API; the answer carries the decision."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from escalations.ai.models import AiVerdict, EscalationPolicy
from escalations.tickets.models import TicketStatus
from escalations.tickets.services.transitions import ticket_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager_user):
    client = APIClient()
    client.force_authenticate(manager_user)
    return client


def post(api, ticket, body):
    return api.post(f"/api/tickets/{ticket.pk}/verdicts/", body, format="json")


def test_a_verdict_below_the_policy_escalates_and_says_why(api, ticket, billing_team):
    EscalationPolicy.objects.create(
        workspace=ticket.workspace, name="Default", is_default=True, min_confidence=Decimal("0.8")
    )

    response = post(api, ticket, {"confidence": 0.55, "intent": "billing", "flags": []})

    assert response.status_code == 201
    body = response.json()
    assert body["decision"] == "escalate"
    assert body["reasons"] == ["AI confidence 0.55 is below 0.8."]
    assert body["escalation"] is not None
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team) == (TicketStatus.ESCALATED, billing_team)


def test_bad_verdicts_get_400_with_field_errors_and_change_nothing(api, ticket):
    response = post(api, ticket, {"confidence": 3, "sentiment": "bad", "flags": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"confidence", "sentiment", "flags"}
    response = post(api, ticket, {"confidence": 0.9, "fields": {"colour": "red"}})
    assert response.status_code == 400 and "colour" in response.json()["fields"][0]
    assert not AiVerdict.objects.exists()


def test_a_verdict_on_a_resolved_ticket_is_a_conflict(api, ticket, actor):
    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    response = post(api, ticket, {"confidence": 0.9})
    assert response.status_code == 409
    assert "still being worked" in response.json()["detail"][0]


def test_agents_and_read_only_users_cannot_push_verdicts(ticket, agent_user, read_only_user):
    for user in (agent_user, read_only_user):
        client = APIClient()
        client.force_authenticate(user)
        assert post(client, ticket, {"confidence": 0.9}).status_code == 403
    assert post(APIClient(), ticket, {"confidence": 0.9}).status_code == 401


def test_passed_checks_read_as_passes_the_same_in_the_api_and_the_admin(
    api, client, manager_user, ticket, billing_team
):
    EscalationPolicy.objects.create(
        workspace=ticket.workspace,
        name="Default",
        is_default=True,
        min_confidence=Decimal("0.8"),
        sentiment_floor=Decimal("-0.5"),
        keywords=["cancel"],
        customer_tiers=["vip"],
        required_fields=[],
        escalate_on_flags=["fraud"],
        escalate_on_ambiguous=True,
    )

    response = post(api, ticket, {"confidence": 0.85, "sentiment": 0.2, "intent": "billing"})

    assert response.status_code == 201
    body = response.json()
    assert body["decision"] == "stay"
    texts = {check["name"]: check["detail"] for check in body["checks"]}
    assert texts == {
        "confidence": "AI confidence 0.85 is at least 0.8.",
        "sentiment": "Sentiment 0.2 is at least -0.5.",
        "keywords": "The customer wrote none of the keywords.",
        "customer_tier": "Standard customers may stay with the AI.",
        "flags": "The AI raised none of the flags that need a person.",
        "ambiguous": "The AI did not find the request ambiguous.",
    }
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/aiverdict/{body['id']}/change/").content.decode()
    for text in texts.values():
        assert text in page


def test_failed_checks_say_why_the_same_in_the_api_and_the_admin(
    api, client, manager_user, ticket, billing_team
):
    EscalationPolicy.objects.create(
        workspace=ticket.workspace,
        name="Default",
        is_default=True,
        min_confidence=Decimal("0.8"),
        escalate_on_flags=["fraud"],
        escalate_on_ambiguous=False,
    )

    response = post(api, ticket, {"confidence": 0.55, "intent": "billing", "flags": ["fraud"]})

    body = response.json()
    texts = [check["detail"] for check in body["checks"]]
    assert texts == ["AI confidence 0.55 is below 0.8.", "The AI flagged fraud."]
    assert body["reasons"] == texts and [c["passed"] for c in body["checks"]] == [False, False]
    client.force_login(manager_user)
    page = client.get(f"/admin/escalations/aiverdict/{body['id']}/change/").content.decode()
    for text in texts:
        assert text in page
