import pytest
import time_machine
from django.core.exceptions import ValidationError

from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.tickets.models import EscalationKind, Message, Ticket
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_an_agents_first_public_reply_is_the_first_response(ticket, actor):
    message_add(ticket=ticket, author_kind="agent", body="Note", actor=actor, is_internal=True)
    message_add(ticket=ticket, author_kind="ai", body="I can help", actor=Actor.system("bot"))
    ticket.refresh_from_db()
    assert ticket.first_response_at is None

    with time_machine.travel("2026-03-01 10:00:00+00:00", tick=False):
        message_add(ticket=ticket, author_kind="agent", body="Looking into it", actor=actor)
    with time_machine.travel("2026-03-01 11:00:00+00:00", tick=False):
        message_add(ticket=ticket, author_kind="agent", body="Done", actor=actor)

    ticket.refresh_from_db()
    assert ticket.first_response_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert ticket.events.filter(event_type=EventType.FIRST_RESPONSE).count() == 1


def test_customers_cannot_write_internal_notes(ticket, actor):
    with pytest.raises(ValidationError):
        message_add(ticket=ticket, author_kind="customer", body="x", actor=actor, is_internal=True)
    assert ticket.messages.count() == 1


def test_empty_messages_are_refused(ticket, actor):
    with pytest.raises(ValidationError) as exc:
        message_add(ticket=ticket, author_kind="agent", body="   ", actor=actor)
    assert exc.value.message_dict == {"body": ["A message needs some text."]}


def test_escalation_hands_over_with_the_full_context(ticket, actor, billing_team, billing_agent):
    message_add(ticket=ticket, author_kind="ai", body="Refund policy is 30 days", actor=actor)
    Ticket.objects.filter(pk=ticket.pk).update(ai_confidence=0.41, ai_sentiment=-0.6)

    escalation = escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent_button",
        to_team=billing_team,
        to_agent=billing_agent,
        summary="Double charge on invoice 2231; customer is upset.",
        reasons=["Needs a refund approval"],
        ai_attempts=["Quoted the refund policy"],
        actor=actor,
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.team, ticket.assignee, ticket.tier) == (
        "escalated",
        billing_team,
        billing_agent,
        2,
    )
    assert [m["body"] for m in escalation.conversation_snapshot] == [
        "My invoice is wrong.",
        "Refund policy is 30 days",
    ]
    assert escalation.crm_snapshot["crm_data"] == ticket.customer.crm_data
    assert (escalation.ai_confidence, escalation.ai_sentiment) == (0.41, -0.6)
    assert (escalation.from_tier, escalation.to_tier) == (1, 2)
    note = ticket.messages.get(is_internal=True)
    assert note.body == "Escalation summary: Double charge on invoice 2231; customer is upset."
    assert list(
        ticket.events.filter(event_type=EventType.ESCALATED).values_list("data__escalation")
    ) == [(escalation.pk,)]


def test_escalation_records_first_human_response_and_resolution(ticket, actor, billing_team):
    escalation = escalation_create(
        ticket=ticket, kind="proactive", trigger="low_confidence", to_team=billing_team, actor=actor
    )
    message_add(ticket=ticket, author_kind="agent", body="On it", actor=actor)
    ticket_step(ticket=ticket, transition="resolve", actor=actor)

    escalation.refresh_from_db()
    assert escalation.first_human_response_at is not None
    assert escalation.resolved_at is not None
    assert escalation.is_rerouted is False


def test_escalating_again_marks_the_earlier_hand_over_as_rerouted(ticket, actor, billing_team):
    tech = TeamFactory(workspace=ticket.workspace, name="Technical", tier=2)
    first = escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="b", to_team=billing_team, actor=actor
    )
    second = escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="b", to_team=tech, actor=actor
    )
    first.refresh_from_db()
    assert first.is_rerouted and first.rerouted_at is not None
    assert not second.is_rerouted


def test_escalation_to_another_workspaces_team_changes_nothing(ticket, actor):
    stranger = TeamFactory()
    with pytest.raises(ValidationError):
        escalation_create(
            ticket=ticket, kind="agent_initiated", trigger="b", to_team=stranger, actor=actor
        )
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert not ticket.escalations.exists()


def test_summary_can_be_required(ticket, actor, billing_team):
    with pytest.raises(ValidationError) as exc:
        escalation_create(
            ticket=ticket,
            kind="agent_initiated",
            trigger="b",
            to_team=billing_team,
            actor=actor,
            summary=" ",
            summary_required=True,
        )
    assert "summary" in exc.value.message_dict
    assert not Message.objects.filter(is_internal=True).exists()


def test_agent_must_be_in_the_receiving_team(ticket, actor, billing_team, l1_team):
    outsider = AgentFactory(team=l1_team)
    with pytest.raises(ValidationError) as exc:
        escalation_create(
            ticket=ticket,
            kind="agent_initiated",
            trigger="b",
            to_team=billing_team,
            to_agent=outsider,
            actor=actor,
        )
    assert "is not a member of Billing" in exc.value.message_dict["to_agent"][0]
