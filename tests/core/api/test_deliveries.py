"""Inbound deliveries: idempotency keys (also under concurrent retries) and HMAC signatures."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from rest_framework.test import APIClient

from escalations.ai.models import AiVerdict
from escalations.core import clock
from escalations.core.api.auth import signature_for
from escalations.core.api.idempotency_keys import idempotency_keys_purge
from escalations.core.models import IdempotencyKey, SignedCaller
from escalations.tickets.models import Message, Ticket
from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-the-bot"


@pytest.fixture
def bot_login():
    user = integration_user_ensure(username="chatbot")
    _, raw = api_token_issue(user=user, days=30)
    return user, raw


def deliver(api, body, key):
    return api.post("/api/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def caller(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def ticket_body(team, subject="Parcel missing"):
    return {
        "workspace": team.workspace.slug,
        "subject": subject,
        "body": "Order NW-7 never came.",
        "customer": {"email": "ada@example.org"},
        "team": team.slug,
    }


def test_a_retried_delivery_gets_the_first_answer_and_creates_nothing_new(bot_login, l1_team):
    api = caller(bot_login[1])
    first = api.post(
        "/api/tickets/", ticket_body(l1_team), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = api.post(
        "/api/tickets/", ticket_body(l1_team), format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(bot_login, l1_team):
    api = caller(bot_login[1])
    deliver(api, ticket_body(l1_team), "k1")
    other = deliver(api, ticket_body(l1_team, "Other"), "k1")
    assert other.status_code == 422
    assert Ticket.objects.count() == 1


def test_a_refused_delivery_keeps_no_key_so_the_fixed_one_goes_through(bot_login, l1_team):
    api = caller(bot_login[1])
    bad = {**ticket_body(l1_team), "subject": ""}
    assert (
        api.post("/api/tickets/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2").status_code == 400
    )
    assert not IdempotencyKey.objects.exists()
    fixed = api.post(
        "/api/tickets/", ticket_body(l1_team), format="json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert fixed.status_code == 201 and Ticket.objects.count() == 1


def test_messages_and_verdicts_are_idempotent_too(bot_login, ticket):
    api = caller(bot_login[1])
    for _ in range(2):
        api.post(
            f"/api/tickets/{ticket.pk}/messages/",
            {"author_kind": "ai", "body": "Looking into it"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="m1",
        )
        api.post(
            f"/api/tickets/{ticket.pk}/verdicts/",
            {"confidence": 0.9},
            format="json",
            HTTP_IDEMPOTENCY_KEY="v1",
        )
    assert Message.objects.filter(ticket=ticket, author_kind="ai").count() == 1
    assert AiVerdict.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_of_one_delivery_create_one_ticket(bot_login, l1_team):
    _, raw = bot_login
    start = threading.Barrier(4)
    answers = []

    def retry():
        try:
            start.wait()
            response = deliver(caller(raw), ticket_body(l1_team), "same")
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Ticket.objects.count() == 1
    ticket_id = Ticket.objects.get().pk
    assert answers == [(201, ticket_id)] * 4


def test_old_keys_are_forgotten_after_a_day(bot_login, l1_team):
    api = caller(bot_login[1])
    deliver(api, ticket_body(l1_team), "old")
    IdempotencyKey.objects.update(created_at=clock.now() - timedelta(hours=25))
    assert idempotency_keys_purge() == 1


def signed(api: APIClient, body: dict, *, secret=SECRET, stamp=None):
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()) if stamp is None else stamp)
    return api.generic(
        "POST",
        "/api/tickets/",
        raw,
        content_type="application/json",
        HTTP_X_HANDOFF_TIMESTAMP=stamp,
        HTTP_X_HANDOFF_SIGNATURE=signature_for(secret, stamp, raw),
    )


def test_a_signed_caller_must_sign_and_a_bad_signature_changes_nothing(
    bot_login, l1_team, monkeypatch
):
    user, raw = bot_login
    monkeypatch.setenv("HANDOFF_SIGNING_CHATBOT", SECRET)
    SignedCaller.objects.create(user=user, secret_env="HANDOFF_SIGNING_CHATBOT")
    api = caller(raw)
    body = ticket_body(l1_team)

    unsigned = api.post("/api/tickets/", body, format="json")
    assert unsigned.status_code == 401 and "Sign the request" in unsigned.json()["detail"]
    assert signed(api, body, secret="wrong").status_code == 401
    assert signed(api, body, stamp=int(time.time()) - 3600).status_code == 401
    assert not Ticket.objects.exists()

    assert signed(api, body).status_code == 201
    assert Ticket.objects.count() == 1


def test_a_caller_whose_secret_is_missing_is_refused(bot_login, l1_team, monkeypatch):
    user, raw = bot_login
    monkeypatch.delenv("HANDOFF_SIGNING_CHATBOT", raising=False)
    SignedCaller.objects.create(user=user, secret_env="HANDOFF_SIGNING_CHATBOT")
    response = signed(caller(raw), ticket_body(l1_team))
    assert response.status_code == 401 and "not configured" in response.json()["detail"]


def test_signing_may_be_optional_but_a_wrong_signature_still_fails(bot_login, l1_team, monkeypatch):
    user, raw = bot_login
    monkeypatch.setenv("HANDOFF_SIGNING_CHATBOT", SECRET)
    SignedCaller.objects.create(
        user=user, secret_env="HANDOFF_SIGNING_CHATBOT", require_signature=False
    )
    api = caller(raw)
    assert api.post("/api/tickets/", ticket_body(l1_team), format="json").status_code == 201
    assert signed(api, ticket_body(l1_team), secret="wrong").status_code == 401
