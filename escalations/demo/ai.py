"""The demo's chatbot history: conversations the AI handled over the last two weeks, each with
its verdict and what happened next — kept by the AI and fine, kept and escalated anyway later,
handed over and needed, handed over and resolved with the AI's answer unchanged — so the
threshold report has a history to learn from."""

from datetime import datetime, timedelta

from escalations.ai.models import Decision
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core import clock
from escalations.core.actors import Actor
from escalations.tickets.models import AuthorKind
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.tickets import ticket_create
from escalations.tickets.services.transitions import ticket_step

BOT = Actor.system("chatbot")
# (category, subject, question, the AI's answer, [(confidence, outcome)]); outcomes: "fine"
# (kept, resolved by the AI), "late" (kept, escalated by an agent later), "needed" (handed
# over, the person answered differently), "early" (handed over, closed with the AI's answer).
CONVERSATIONS = [
    (
        "order.delivery_status",
        "Where is my parcel?",
        "Hi, my order has not arrived yet. Where is it?",
        "Your parcel is with the carrier and arrives tomorrow; the tracking link is in your "
        "order e-mail.",
        [
            (0.42, "needed"),
            (0.47, "needed"),
            (0.52, "early"),
            (0.55, "early"),
            (0.58, "early"),
            (0.63, "late"),
            (0.67, "late"),
            (0.71, "fine"),
            (0.76, "fine"),
            (0.83, "fine"),
            (0.9, "fine"),
        ],
    ),
    (
        "billing.refund",
        "Refund for a return",
        "I sent the item back last week. When do I get my money?",
        "We received your return; the refund reaches your account within 5 business days.",
        [
            (0.78, "needed"),
            (0.84, "early"),
            (0.86, "early"),
            (0.88, "early"),
            (0.89, "early"),
            (0.92, "fine"),
            (0.95, "fine"),
            (0.97, "fine"),
        ],
    ),
]


def demo_ai_history(*, workspace, teams: dict, agents: dict, customers: list, now: datetime):
    """Play the conversations, oldest first, over the last 14 days; returns how many."""
    general, billing = teams["general"], teams["billing"]
    person = Actor.for_user(next(iter(agents.values())).user)
    total = sum(len(runs) for *_, runs in CONVERSATIONS)
    everyday = [c for c in customers if c.tier not in ("vip", "enterprise")] or customers
    played = 0
    for category, subject, question, answer, runs in CONVERSATIONS:
        for confidence, outcome in runs:
            at = now - timedelta(days=14) + timedelta(days=13) * played / total
            customer = everyday[played % len(everyday)]
            played += 1
            with clock.frozen_at(at):
                ticket = ticket_create(
                    workspace=workspace,
                    subject=subject,
                    customer=customer,
                    actor=Actor.system("chat intake"),
                    channel="chat",
                    body=question,
                    team=general,
                    ai_intent=category,
                    ai_confidence=confidence,
                    custom_fields={"order_number": f"NW-{610000 + played}"},
                )
            with clock.frozen_at(at + timedelta(minutes=1)):
                verdict = ai_verdict_record(
                    ticket=ticket,
                    actor=BOT,
                    confidence=confidence,
                    intent=category,
                    proposed_reply=answer,
                )
            _follow(ticket, verdict, outcome, answer, person, billing, at)
    return played


def _follow(ticket, verdict, outcome, answer, person, billing, at) -> None:
    later = at + timedelta(minutes=20)
    with clock.frozen_at(later):
        if verdict.decision == Decision.STAY:
            message_add(ticket=ticket, author_kind=AuthorKind.AI, body=answer, actor=BOT)
            if outcome == "late":
                escalation_create(
                    ticket=ticket,
                    kind="agent_initiated",
                    actor=person,
                    trigger="agent_button",
                    to_team=billing,
                    summary="The customer wrote again: the AI's answer did not solve it.",
                )
        elif outcome == "needed":
            message_add(
                ticket=ticket,
                author_kind=AuthorKind.AGENT,
                body="I checked it for you: there was a problem on our side, fixed now.",
                actor=person,
            )
    with clock.frozen_at(later + timedelta(minutes=30)):
        ticket_step(ticket=ticket, transition="resolve", actor=person)
