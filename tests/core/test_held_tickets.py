"""A delivery locks and reads its ticket once; every service in it works on that copy, which
always holds the row as stored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations.ai.models import EscalationPolicy
from escalations.core.held import ticket_for_update, ticket_held
from escalations.core.unit_of_work import all_or_nothing
from escalations.tickets.models import AuthorKind, Ticket, TicketStatus
from escalations.tickets.selectors.tickets import latest_customer_body
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.tickets import ticket_update

pytestmark = pytest.mark.django_db


def _ticket_reads(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith('SELECT "escalations_ticket"."id", '))


def test_a_hand_over_through_the_api_reads_the_ticket_row_once(
    manager_user, ticket, billing_team, billing_agent
):
    EscalationPolicy.objects.create(
        workspace=ticket.workspace, name="Default", is_default=True, min_confidence=Decimal("0.8")
    )
    client = APIClient()
    client.force_authenticate(manager_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/tickets/{ticket.pk}/verdicts/",
            {"confidence": 0.4, "intent": "billing"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="verdict-1",
        )

    assert response.status_code == 201 and response.json()["decision"] == "escalate"
    assert _ticket_reads(queries.captured_queries) == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team, ticket.assignee) == (
        TicketStatus.ESCALATED,
        billing_team,
        billing_agent,
    )


def test_the_held_copy_takes_what_a_message_writes(ticket, actor):
    with all_or_nothing():
        held = ticket_for_update(ticket.pk)
        message = message_add(
            ticket=ticket, author_kind=AuthorKind.CUSTOMER, body="Still waiting!", actor=actor
        )

        assert ticket_held(ticket.pk) is held
        assert held.last_customer_message_at == message.created_at
        assert held.updated_at == message.created_at
        assert latest_customer_body(ticket.pk) == "Still waiting!"
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.last_customer_message_at == held.last_customer_message_at


def test_a_failed_service_leaves_no_half_changed_copy_behind(ticket, actor):
    with all_or_nothing():
        ticket_for_update(ticket.pk)
        with pytest.raises(ValidationError), transaction.atomic():
            ticket_update(ticket=ticket, actor=actor, changes={"subject": ""})

        fresh = ticket_for_update(ticket.pk)

        assert fresh.subject == Ticket.objects.get(pk=ticket.pk).subject != ""


def test_outside_a_transaction_scope_nothing_is_held(ticket, actor):
    ticket_update(ticket=ticket, actor=actor, changes={"subject": "Invoice twice"})
    assert ticket_held(ticket.pk) is None
