"""AI-to-human hand-over: policies per task category, the checks, reactive requests."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from escalations.ai.models import AiVerdict, Decision, EscalationPolicy
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.tickets.models import (
    AuthorKind,
    CustomerTier,
    CustomFieldDefinition,
    EscalationKind,
    TicketStatus,
)
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import CustomerFactory, make_ticket

pytestmark = pytest.mark.django_db
BOT = Actor.system("chatbot")


def policy(workspace, name="Lenient", **fields):
    fields.setdefault("categories", ["order_status"])
    fields.setdefault("escalate_on_ambiguous", False)
    fields.setdefault("check_field_formats", False)
    row = EscalationPolicy(workspace=workspace, name=name, **fields)
    row.full_clean()
    row.save()
    return row


def verdict(ticket, **fields):
    fields.setdefault("intent", "order_status")
    return ai_verdict_record(ticket=ticket, actor=BOT, **fields)


@pytest.fixture
def chat(l1_team, billing_team, actor):
    """A ticket the AI is answering, with a team above it to hand over to."""
    return make_ticket(team=l1_team, actor=actor, body="Where is my order 1234?")


@pytest.mark.parametrize(
    ("confidence", "decision"),
    [(0.81, Decision.STAY), (0.80, Decision.STAY), (0.79, Decision.ESCALATE)],
)
def test_confidence_at_above_and_below_the_threshold(chat, confidence, decision):
    policy(chat.workspace, min_confidence=Decimal("0.80"))

    row = verdict(chat, confidence=confidence)

    assert row.decision == decision
    check = next(c for c in row.checks if c["name"] == "confidence")
    assert (check["value"], check["threshold"]) == (confidence, 0.8)
    chat.refresh_from_db()
    assert chat.ai_confidence == confidence
    assert (chat.status == TicketStatus.ESCALATED) == (decision == Decision.ESCALATE)


def test_a_low_confidence_escalates_to_the_policy_tier_with_the_reasons_and_the_context(
    chat, billing_team
):
    policy(chat.workspace, min_confidence=Decimal("0.8"), sentiment_floor=Decimal("-0.3"))

    row = verdict(
        chat,
        confidence=0.42,
        sentiment=-0.6,
        attempted_solutions=["Looked up order 1234", "Offered the tracking link"],
        proposed_reply="Your parcel is on its way.",
    )

    escalation = row.escalation
    assert escalation.kind == EscalationKind.PROACTIVE
    assert escalation.to_team == billing_team  # the first escalation target at L2
    assert escalation.reasons == [
        "AI confidence 0.42 is below 0.8.",
        "Sentiment -0.6 is below -0.3.",
    ]
    assert escalation.ai_attempts == ["Looked up order 1234", "Offered the tracking link"]
    assert (escalation.ai_confidence, escalation.ai_sentiment) == (0.42, -0.6)
    assert "Your parcel is on its way." in escalation.summary
    event = chat.events.get(event_type=EventType.AI_VERDICT)
    assert event.data["failed"] == ["confidence", "sentiment"]


def test_an_always_human_category_escalates_even_when_the_ai_is_sure(chat):
    policy(chat.workspace, name="Refunds", categories=["refund"], always_human=True)

    row = verdict(chat, intent="Refund", confidence=0.99)

    assert row.decision == Decision.ESCALATE
    assert row.reasons == ["Refunds always requires a human."]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ich möchte meinen Vertrag KÜNDIGEN", "kundigen"),
        ("Je veux résilier mon abonnement", "resilier"),
        ("Quiero cancelar mi pedido", "cancel"),
        ("Please CANCEL it, or my lawyer calls", "cancel"),
    ],
)
def test_keywords_match_in_any_language_whatever_the_case_and_accents(
    l1_team, billing_team, actor, text, found
):
    ticket = make_ticket(team=l1_team, actor=actor, body=text)
    policy(ticket.workspace, keywords=["cancel", "Kündigen", "résilier"])

    row = verdict(ticket, confidence=0.95)

    assert row.decision == Decision.ESCALATE
    assert found in row.reasons[0]


def test_a_keyword_inside_another_word_does_not_count(l1_team, billing_team, actor):
    ticket = make_ticket(team=l1_team, actor=actor, body="Is this charger illegal to import?")
    policy(ticket.workspace, keywords=["legal"])

    assert verdict(ticket, confidence=0.95).decision == Decision.STAY


def test_some_customer_tiers_always_go_to_a_person(l1_team, billing_team, actor):
    vip = CustomerFactory(tier=CustomerTier.VIP)
    ticket = make_ticket(team=l1_team, actor=actor, body="Hi", customer=vip)
    policy(ticket.workspace, customer_tiers=["vip", "enterprise"])

    row = verdict(ticket, confidence=0.99)

    assert row.reasons == ["VIP customers always go to a person."]


def test_business_rule_checks_missing_field_flags_ambiguity_and_bad_format(chat):
    CustomFieldDefinition.objects.create(workspace=chat.workspace, key="order_id", label="Order")
    CustomFieldDefinition.objects.create(
        workspace=chat.workspace, key="iban", label="IBAN", pattern=r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}"
    )
    policy(
        chat.workspace,
        required_fields=["order_id"],
        escalate_on_flags=["policy_violation"],
        escalate_on_ambiguous=True,
        check_field_formats=True,
    )

    row = verdict(
        chat,
        confidence=0.99,
        flags=["Policy_Violation", "ambiguous"],
        fields={"iban": "not an iban", "order_id": ""},
    )

    assert row.reasons == [
        "Required field(s) missing: order_id.",
        "Field(s) failing their format: iban: 'not an iban' is not in the expected format: "
        "a value like AB12ABCDEFGH (the pattern [A-Z]{2}\\d{2}[A-Z0-9]{8,30}).",
        "The AI flagged policy_violation.",
        "The AI found the request ambiguous.",
    ]
    chat.refresh_from_db()
    assert chat.custom_fields == {}  # the bad value is kept on the verdict, not the ticket
    assert row.fields == {"iban": "not an iban", "order_id": ""}


def test_fields_the_ai_collected_are_kept_on_the_ticket_when_valid(chat):
    CustomFieldDefinition.objects.create(workspace=chat.workspace, key="order_id", label="Order")
    policy(chat.workspace, required_fields=["order_id"], check_field_formats=True)

    row = verdict(chat, confidence=0.9, fields={"order_id": "NW-1234"})

    assert row.decision == Decision.STAY
    chat.refresh_from_db()
    assert chat.custom_fields == {"order_id": "NW-1234"}
    with pytest.raises(ValidationError, match="No such custom field here: colour"):
        verdict(chat, confidence=0.9, fields={"colour": "red"})


def test_all_checks_passing_leaves_the_ticket_with_the_ai_and_says_why(chat):
    policy(chat.workspace, min_confidence=Decimal("0.7"), keywords=["cancel"])

    row = verdict(chat, confidence=0.9)

    assert (row.decision, row.reasons, row.escalation) == (Decision.STAY, [], None)
    assert [c["name"] for c in row.checks] == ["confidence", "keywords"]
    assert all(c["passed"] for c in row.checks)
    assert row.policy_name == "Lenient" and row.policy_version is not None
    chat.refresh_from_db()
    assert chat.status == TicketStatus.NEW


def test_unknown_categories_fall_to_the_default_policy(chat):
    policy(
        chat.workspace,
        name="Strict default",
        categories=[],
        is_default=True,
        min_confidence=Decimal("0.95"),
    )
    policy(chat.workspace, name="Lenient", min_confidence=Decimal("0.5"))

    assert verdict(chat, intent="order_status", confidence=0.9).decision == Decision.STAY
    row = verdict(chat, intent="warranty_claim", confidence=0.9)
    assert (row.decision, row.policy_name) == (Decision.ESCALATE, "Strict default")


def test_a_second_failing_verdict_on_an_escalated_ticket_does_not_escalate_again(chat):
    policy(chat.workspace, min_confidence=Decimal("0.8"))
    verdict(chat, confidence=0.3)

    again = verdict(chat, confidence=0.2)

    assert again.decision == Decision.ALREADY_HUMAN and again.escalation is None
    assert chat.escalations.count() == 1


def test_the_bot_asking_to_hand_over_is_a_reactive_escalation(chat):
    row = verdict(chat, confidence=0.99, handoff_requested=True)

    assert row.escalation.kind == EscalationKind.REACTIVE
    assert row.reasons == ["The bot asked to hand over."]


def test_a_customer_asking_for_a_person_escalates_at_once(chat, billing_team, actor):
    message_add(
        ticket=chat,
        author_kind=AuthorKind.CUSTOMER,
        body="This bot is useless, can I speak to a HUMAN please?",
        actor=actor,
    )

    escalation = chat.escalations.get()
    assert escalation.kind == EscalationKind.REACTIVE
    assert escalation.reasons == ["The customer asked for a person (speak to a human)."]
    assert escalation.to_team == billing_team
    chat.refresh_from_db()
    assert chat.status == TicketStatus.ESCALATED


def test_the_workspace_chooses_the_phrases_that_ask_for_a_person(chat, actor):
    workspace = chat.workspace
    workspace.human_request_phrases = ["Mensch bitte"]
    workspace.save()
    message_add(ticket=chat, author_kind=AuthorKind.CUSTOMER, body="real person?", actor=actor)
    assert not chat.escalations.exists()
    message_add(ticket=chat, author_kind=AuthorKind.CUSTOMER, body="MENSCH, bitte!", actor=actor)
    assert chat.escalations.count() == 0  # the comma breaks the phrase
    message_add(
        ticket=chat, author_kind=AuthorKind.CUSTOMER, body="Einen mensch bitte", actor=actor
    )
    assert chat.escalations.count() == 1


def test_a_verdict_reaches_the_rules_as_ai_verdict_received(chat, actor):
    live = rule_set_save(rule_set=RuleSet(workspace=chat.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Tag unsure answers",
            triggers=["ai_verdict"],
            condition={"field": "ai_confidence", "op": "lt", "value": 0.6},
            actions=[{"type": "add_tags", "value": "ai-unsure"}],
        )
    )

    verdict(chat, confidence=0.5)

    chat.refresh_from_db()
    assert chat.tags == ["ai-unsure"]


def test_bad_verdicts_are_refused_with_the_fields_named_and_change_nothing(chat):
    with pytest.raises(ValidationError) as refused:
        verdict(chat, confidence=1.5, sentiment=-2, flags="oops")
    assert set(refused.value.message_dict) == {"confidence", "sentiment", "flags"}
    assert not AiVerdict.objects.exists()

    ticket_step(ticket=chat, transition="start_work", actor=BOT)
    ticket_step(ticket=chat, transition="resolve", actor=BOT)
    with pytest.raises(ValidationError, match="still being worked"):
        verdict(chat, confidence=0.5)


def test_a_policy_is_refused_at_save_time_when_it_cannot_work(chat):
    policy(chat.workspace, name="Orders", categories=["order_status", "delivery"])
    with pytest.raises(ValidationError) as refused:
        policy(
            chat.workspace,
            name="Second",
            categories=["Delivery"],
            min_confidence=Decimal("1.5"),
            required_fields=["nope"],
        )
    errors = refused.value.message_dict
    assert "delivery is already covered by Orders" in errors["categories"][0]
    assert "between 0 and 1" in errors["min_confidence"][0]
    assert "no custom field nope" in errors["required_fields"][0]
    with pytest.raises(ValidationError, match="Name the task categories"):
        policy(chat.workspace, name="Empty", categories=[])
