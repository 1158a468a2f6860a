"""The REST API as bots and integrations use it: tokens, tickets, messages, escalations,
configuration reads, the permission matrix, and the errors bad input gets."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from escalations.ai.models import AiVerdict
from escalations.core.api.throttle import SharedRateThrottle, shared_counter
from escalations.core.models import EventType, IdempotencyKey
from escalations.tickets.models import Customer, Message, Ticket
from escalations.tickets.roles import INTEGRATION
from escalations.tickets.services.api_tokens import (
    api_token_issue,
    api_tokens_purge,
    integration_user_ensure,
)
from tests.helpers.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def bot():
    user = integration_user_ensure(username="chatbot")
    _, raw = api_token_issue(user=user, days=30)
    return client_with_token(raw)


def new_ticket(l1_team, **overrides):
    body = {
        "workspace": l1_team.workspace.slug,
        "subject": "Where is my parcel?",
        "body": "Order NW-1 has not arrived.",
        "customer": {"email": "Ada@Example.org", "name": "Ada"},
        "team": l1_team.slug,
        "tags": ["delivery"],
    }
    return {**body, **overrides}


def test_tokens_are_stored_hashed_and_expire(l1_team):
    user = integration_user_ensure(username="crm")
    token, raw = api_token_issue(user=user, days=1)
    assert raw not in (token.digest, token.token_key) and len(token.digest) > 64
    assert client_with_token(raw).get("/api/tickets/").status_code == 200
    token.expiry -= timedelta(days=2)
    token.save(update_fields=["expiry"])
    assert client_with_token(raw).get("/api/tickets/").status_code == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()  # an expired token is forgotten
    assert client_with_token("not-a-token").get("/api/tickets/").status_code == 401


def test_expired_tokens_are_forgotten_by_the_watchdog_and_live_ones_kept(l1_team):
    user = integration_user_ensure(username="crm")
    old, _ = api_token_issue(user=user, days=1)
    live, raw = api_token_issue(user=user, days=1)
    AuthToken.objects.filter(pk=old.pk).update(expiry=old.expiry - timedelta(days=2))
    assert api_tokens_purge() == 1
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert client_with_token(raw).get("/api/tickets/").status_code == 200


def test_the_token_command_makes_an_integration_login_without_admin_access(client):
    out = StringIO()
    call_command("handoff_token", "helpdesk-bot", "--integration", "--days", "7", stdout=out)
    raw = out.getvalue().strip()
    assert client_with_token(raw).get("/api/teams/").status_code == 200
    user = AuthToken.objects.get().user
    assert user.groups.filter(name=INTEGRATION).exists() and not user.is_staff
    client.force_login(user)
    assert client.get("/admin/").status_code == 302  # to the login page


def test_a_bot_opens_a_ticket_and_the_customer_is_found_by_email(bot, l1_team):
    first = bot.post("/api/tickets/", new_ticket(l1_team), format="json")
    again = bot.post("/api/tickets/", new_ticket(l1_team, subject="Still nothing"), format="json")

    assert first.status_code == 201, first.json()
    assert first.json()["team"] == l1_team.pk and first.json()["state"] == "new"
    assert Customer.objects.filter(email="ada@example.org").count() == 1
    assert again.json()["customer"] == first.json()["customer"]
    ticket = Ticket.objects.get(pk=first.json()["id"])
    assert ticket.messages.get().body == "Order NW-1 has not arrived."
    assert ticket.events.filter(event_type=EventType.TICKET_CREATED).exists()


def test_bad_tickets_get_400_with_field_errors_and_nothing_is_created(bot, l1_team):
    missing = bot.post("/api/tickets/", {"workspace": l1_team.workspace.slug}, format="json")
    assert missing.status_code == 400
    assert {"subject", "customer"} <= set(missing.json())

    unknown_team = bot.post("/api/tickets/", new_ticket(l1_team, team="nope"), format="json")
    assert unknown_team.status_code == 400 and "no team 'nope'" in unknown_team.json()["team"][0]

    bad_field = bot.post(
        "/api/tickets/", new_ticket(l1_team, custom_fields={"colour": "red"}), format="json"
    )
    assert bad_field.status_code == 400 and "custom_fields" in bad_field.json()
    assert not Ticket.objects.exists()


def test_the_ticket_list_filters_and_paginates(bot, l1_team, billing_team):
    for n in range(3):
        bot.post("/api/tickets/", new_ticket(l1_team, subject=f"T{n}"), format="json")
    bot.post("/api/tickets/", new_ticket(l1_team, team=billing_team.slug), format="json")

    page = bot.get("/api/tickets/", {"team": l1_team.slug, "limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert bot.get("/api/tickets/", {"tag": "delivery"}).json()["count"] == 4
    assert bot.get("/api/tickets/", {"status": "resolved"}).json()["count"] == 0
    assert bot.get("/api/tickets/", {"priority": "9"}).status_code == 400


def test_a_long_list_counts_up_to_the_limit_and_its_links_still_lead_to_every_row(
    bot, l1_team, settings
):
    settings.HANDOFF_API_COUNT_LIMIT = 3
    for n in range(6):
        bot.post("/api/tickets/", new_ticket(l1_team, subject=f"T{n}"), format="json")

    first = bot.get("/api/tickets/", {"limit": 2}).json()
    assert (first["count"], first["count_exact"]) == (3, False) and first["next"]
    subjects = [ticket["subject"] for ticket in first["results"]]
    page = first
    while page["next"]:
        page = bot.get(page["next"]).json()
        subjects += [ticket["subject"] for ticket in page["results"]]
    assert subjects == [f"T{n}" for n in reversed(range(6))]
    assert (page["count"], page["count_exact"]) == (6, True)
    whole = bot.get("/api/tickets/", {"limit": 10}).json()
    assert (whole["count"], whole["count_exact"], whole["next"]) == (6, True, None)


def test_editing_a_ticket_changes_only_what_is_sent(bot, ticket, billing_team):
    agent = AgentFactory(team=billing_team, user__username="priya")
    response = bot.patch(
        f"/api/tickets/{ticket.pk}/",
        {"team": "billing", "assignee": "priya", "priority": 30, "reason": "VIP"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee, ticket.priority) == (billing_team, agent, 30)
    assert ticket.events.filter(event_type=EventType.FIELD_CHANGED, reason="VIP").count() == 3
    assert bot.put(f"/api/tickets/{ticket.pk}/", {}, format="json").status_code == 405
    assert bot.patch("/api/tickets/999999/", {}, format="json").status_code == 404


def test_messages_are_read_and_written_through_the_ticket(bot, ticket):
    written = bot.post(
        f"/api/tickets/{ticket.pk}/messages/",
        {"author_kind": "ai", "body": "I have found your order.", "author_name": "Nova"},
        format="json",
    )
    assert written.status_code == 201 and written.json()["author_name"] == "Nova"
    listed = bot.get(f"/api/tickets/{ticket.pk}/messages/").json()
    assert [m["author_kind"] for m in listed["results"]] == ["customer", "ai"]
    empty = bot.post(
        f"/api/tickets/{ticket.pk}/messages/", {"author_kind": "ai", "body": " "}, format="json"
    )
    assert empty.status_code == 400 and "body" in empty.json()


@pytest.mark.parametrize("ref", ["999999", "abc", str(2**70), "-1"])
@pytest.mark.parametrize("key", [None, "retry-1"])
def test_writing_to_a_ticket_that_does_not_exist_is_404_and_changes_nothing(bot, ticket, ref, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    for action, body in (
        ("messages", {"author_kind": "customer", "body": "Hello?"}),
        ("verdicts", {"confidence": 0.2, "intent": "billing"}),
        ("transition", {"transition": "start"}),
        ("snooze", {"until": None}),
    ):
        answer = bot.post(f"/api/tickets/{ref}/{action}/", body, format="json", **headers)
        assert answer.status_code == 404, (action, answer.content)
    assert Message.objects.count() == 1 and AiVerdict.objects.count() == 0
    assert not IdempotencyKey.objects.exists()


def test_an_integration_escalates_and_reads_the_handoff_package(bot, ticket, billing_team):
    AgentFactory(team=billing_team, display_name="Priya")
    refused = bot.post(
        "/api/escalations/",
        {"ticket": ticket.pk, "to_team": ticket.team.slug, "summary": "x"},
        format="json",
    )
    assert refused.status_code == 400 and "not an escalation target" in refused.json()["to_team"][0]
    no_summary = bot.post(
        "/api/escalations/", {"ticket": ticket.pk, "to_team": "billing"}, format="json"
    )
    assert no_summary.status_code == 400 and "summary" in no_summary.json()

    created = bot.post(
        "/api/escalations/",
        {"ticket": ticket.pk, "to_team": "billing", "summary": "Refund above the L1 limit"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = bot.get(f"/api/escalations/{created.json()['id']}/").json()
    assert body["to_team"] == "billing" and body["to_agent"] == "Priya"
    assert body["conversation_snapshot"][0]["body"] == "My invoice is wrong."
    assert body["crm_snapshot"]["email"] == ticket.customer.email


def test_configuration_is_readable_but_not_writable(bot, l1_team):
    for path in ("/api/teams/", "/api/sla-policies/", "/api/rules/"):
        assert bot.get(path).status_code == 200
        assert bot.post(path, {}, format="json").status_code in (403, 405)


ROLE_CASES = {
    # what each role may do, as HTTP answers
    "manager": {"list": 200, "create": 201, "patch": 200, "verdict": 201, "message": 201},
    "agent": {"list": 200, "create": 201, "patch": 200, "verdict": 403, "message": 201},
    "read_only": {"list": 200, "create": 403, "patch": 403, "verdict": 403, "message": 403},
    "integration": {"list": 200, "create": 201, "patch": 200, "verdict": 201, "message": 201},
    "no_role": {"list": 403, "create": 403, "patch": 403, "verdict": 403, "message": 403},
}
# The template catalog: reading takes the view permission on templates, using one the right to
# add workspaces (as the admin's Use template).
CATALOG_CASES = {
    "manager": {"templates": 200, "template": 200, "use": 201},
    "agent": {"templates": 200, "template": 200, "use": 403},
    "read_only": {"templates": 200, "template": 200, "use": 403},
    "integration": {"templates": 403, "template": 403, "use": 403},
    "no_role": {"templates": 403, "template": 403, "use": 403},
}
ROLE_GROUPS = {
    "manager": "Support managers",
    "agent": "Agents",
    "read_only": "Read-only",
    "integration": INTEGRATION,
    "no_role": None,
}


@pytest.mark.parametrize("role", ROLE_CASES)
def test_the_permission_matrix(role, ticket, l1_team):
    user = UserFactory(username=f"u-{role}")
    if ROLE_GROUPS[role]:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    api = APIClient()
    api.force_authenticate(user)
    answers = {
        "list": api.get("/api/tickets/").status_code,
        "create": api.post("/api/tickets/", new_ticket(l1_team), format="json").status_code,
        "patch": api.patch(
            f"/api/tickets/{ticket.pk}/", {"priority": 30}, format="json"
        ).status_code,
        "verdict": api.post(
            f"/api/tickets/{ticket.pk}/verdicts/", {"confidence": 0.9}, format="json"
        ).status_code,
        "message": api.post(
            f"/api/tickets/{ticket.pk}/messages/",
            {"author_kind": "agent", "body": "hi"},
            format="json",
        ).status_code,
        "templates": api.get("/api/templates/").status_code,
        "template": api.get("/api/templates/customer-service-escalation/").status_code,
        "use": api.post(
            "/api/templates/customer-service-escalation/use/",
            {"name": f"Made by {role}"},
            format="json",
        ).status_code,
    }
    assert answers == {**ROLE_CASES[role], **CATALOG_CASES[role]}


def test_an_oversized_body_is_refused_with_413_before_it_is_read(bot, l1_team, settings):
    settings.HANDOFF_API_MAX_BODY_BYTES = 1000
    body = new_ticket(l1_team, body="x" * 2000)
    response = bot.post("/api/tickets/", body, format="json")
    assert response.status_code == 413
    assert not Ticket.objects.exists()


def test_too_many_requests_get_429(bot, monkeypatch):
    shared_counter().forget()
    monkeypatch.setattr(SharedRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    codes = [bot.get("/api/teams/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    shared_counter().forget()


def test_the_schema_and_its_readers_are_served_from_here(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/tickets/{id}/verdicts/" in schema.content
    for path in ("/api/docs/", "/api/redoc/"):
        page = client.get(path).content.decode()
        assert "drf_spectacular_sidecar" in page
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "/api/escalations/" in (tmp_path / "schema.yml").read_text()


def test_a_date_filter_takes_any_offset_the_standard_allows(bot, ticket):
    found = bot.get("/api/tickets/", {"created_before": "2788-08-17T07:42:18+22:50"})
    assert found.status_code == 200 and found.json()["count"] == 1
    assert bot.get("/api/tickets/", {"created_after": "yesterday"}).status_code == 400


def test_ping_names_the_caller_and_refuses_strangers(bot):
    assert bot.get("/api/ping/").json() == {"login": "chatbot"}
    assert APIClient().get("/api/ping/").status_code == 401
