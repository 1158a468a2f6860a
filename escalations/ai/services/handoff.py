"""Whether the AI keeps a ticket or a person takes over.

Reactive: the customer asks for a person (one of the workspace's phrases) or the bot asks to
hand over — the ticket escalates at once. Proactive: every AI verdict is checked against the
escalation policy of its task category (or the default policy); any failing check escalates the
ticket with every failing reason, and otherwise it stays with the AI. Each verdict and its
decision is stored with the numbers behind it.
"""

from dataclasses import asdict
from decimal import Decimal

from django.core.exceptions import ValidationError

from escalations.ai.models import AiVerdict, Decision, EscalationPolicy
from escalations.ai.selectors import (
    Check,
    customer_text,
    handoff_destination,
    is_blank,
    policy_checks,
    policy_for_intent,
)
from escalations.ai.services.quality import quality_after_verdict
from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.core.db.compiled import insert_one
from escalations.core.events import event_record
from escalations.core.held import ticket_for_update
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.rules.text import phrases_found
from escalations.tickets.custom_fields import clean_value
from escalations.tickets.kept import workspace_kept
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    EscalationKind,
    Message,
    Ticket,
)
from escalations.tickets.selectors.tickets import field_definitions
from escalations.tickets.services.escalations import escalation_create, open_escalations
from escalations.tickets.services.tickets import ticket_update

MAX_LIST = 50
ERR_NOT_ACTIVE = "Ticket {ref} is {status}: a verdict needs a ticket that is still being worked."


def _fields_checked(ticket: Ticket, fields) -> tuple[dict, dict]:
    """The fields the AI collected: the valid ones (to keep on the ticket) and the ones that
    fail their definition (a reason to hand over; never saved)."""
    if fields in (None, {}):
        return {}, {}
    if not isinstance(fields, dict) or len(fields) > MAX_LIST:
        raise ValidationError({"fields": f"An object of at most {MAX_LIST} custom fields."})
    specs = {d.key: d for d in field_definitions(ticket.workspace_id)}
    unknown = sorted(set(fields) - set(specs))
    if unknown:
        raise ValidationError({"fields": f"No such custom field here: {', '.join(unknown)}."})
    good, bad = {}, {}
    for key, raw in fields.items():
        if is_blank(raw):
            continue
        try:
            good[key] = clean_value(specs[key], raw)
        except ValueError as exc:
            bad[key] = f"{key}: {str(exc).rstrip('.')}"
    return good, bad


@ticket_service
def ai_verdict_record(
    *,
    ticket: Ticket,
    actor: Actor,
    confidence: float | None = None,
    intent: str = "",
    sentiment: float | None = None,
    attempted_solutions: list | None = None,
    proposed_reply: str = "",
    flags: list | None = None,
    handoff_requested: bool = False,
    fields: dict | None = None,
    message: Message | None = None,
) -> AiVerdict:
    """Record the AI's verdict on a ticket and decide: a person takes over, or the AI keeps it."""

    verdict = _validated(
        confidence=confidence,
        intent=intent,
        sentiment=sentiment,
        attempted_solutions=attempted_solutions,
        flags=flags,
    )
    ticket = ticket_for_update(ticket.pk)
    if ticket.status not in ACTIVE_STATUSES:
        raise ValidationError(
            ERR_NOT_ACTIVE.format(ref=ticket.reference, status=ticket.get_status_display())
        )
    verdict["fields"], verdict["bad_fields"] = _fields_checked(ticket, fields)
    changes = {
        field: value
        for field, value in (
            ("ai_confidence", verdict["confidence"]),
            ("ai_intent", verdict["intent"]),
            ("ai_sentiment", verdict["sentiment"]),
        )
        if value not in (None, "") and value != getattr(ticket, field)
    }
    if verdict["fields"]:
        merged = {**ticket.custom_fields, **verdict["fields"]}
        if merged != ticket.custom_fields:
            changes["custom_fields"] = merged
    if changes:
        ticket = ticket_update(ticket=ticket, actor=actor, changes=changes)
    policy = policy_for_intent(ticket.workspace_id, verdict["intent"])
    text = customer_text(ticket, message)
    checks = []
    if handoff_requested:
        checks.append(Check("handoff_requested", False, True))
    if policy is not None:
        checks += policy_checks(policy, ticket=ticket, verdict=verdict, text=text)
    failing = [c for c in checks if not c.passed]
    policy_name = policy.name if policy else ""
    if not failing:
        decision = Decision.STAY
    elif open_escalations(ticket.pk):
        decision = Decision.ALREADY_HUMAN
    else:
        decision = Decision.ESCALATE
    row = insert_one(
        AiVerdict(
            ticket=ticket,
            message=message,
            confidence=verdict["confidence"],
            intent=verdict["intent"],
            sentiment=verdict["sentiment"],
            attempted_solutions=verdict["attempted_solutions"],
            proposed_reply=proposed_reply,
            flags=verdict["flags"],
            fields=fields or {},
            handoff_requested=handoff_requested,
            policy=policy,
            policy_name=policy_name,
            policy_version=_version(policy),
            decision=decision,
            reasons=[c.detail(policy_name) for c in failing],
            checks=[_plain(c, policy_name) for c in checks],
            confidence_only=all(c.name == "confidence" for c in failing),
        )
    )
    event_record(
        ticket=ticket,
        event_type=EventType.AI_VERDICT,
        actor=actor,
        to_value=row.get_decision_display(),
        reason="; ".join(row.reasons),
        data={
            "verdict": row.pk,
            "decision": decision,
            "confidence": row.confidence,
            "intent": row.intent,
            "sentiment": row.sentiment,
            "policy": policy.pk if policy else None,
            "failed": [c.name for c in failing],
        },
    )
    if decision == Decision.ESCALATE:
        kind = EscalationKind.REACTIVE if handoff_requested else EscalationKind.PROACTIVE
        row.escalation = _hand_over(ticket, policy, row, kind=kind, actor=actor)
        row.save(update_fields=["escalation"])
    if verdict["flags"]:
        quality_after_verdict(verdict=row, ticket=ticket, actor=actor)
    return row


def _hand_over(ticket, policy, verdict: AiVerdict, *, kind: str, actor: Actor):
    team, tier = handoff_destination(ticket, policy)
    lines = [f"The AI handed over ({verdict.policy_name or 'no policy'}):"]
    lines += [f"- {reason}" for reason in verdict.reasons]
    if verdict.proposed_reply:
        lines.append(f"Its proposed reply: {verdict.proposed_reply[:500]}")
    return escalation_create(
        ticket=ticket,
        kind=kind,
        trigger="ai_verdict",
        to_team=team,
        to_tier=tier,
        reasons=verdict.reasons,
        summary="\n".join(lines),
        ai_attempts=verdict.attempted_solutions,
        actor=actor,
    )


def _validated(**fields) -> dict:
    errors = {}
    confidence, sentiment = fields["confidence"], fields["sentiment"]
    if confidence is not None and not (
        isinstance(confidence, int | float | Decimal) and 0 <= confidence <= 1
    ):
        errors["confidence"] = "A number from 0 to 1."
    if sentiment is not None and not (
        isinstance(sentiment, int | float | Decimal) and -1 <= sentiment <= 1
    ):
        errors["sentiment"] = "A number from -1 to 1."
    attempted, flags = fields["attempted_solutions"] or [], fields["flags"] or []
    if not isinstance(attempted, list) or len(attempted) > MAX_LIST:
        errors["attempted_solutions"] = f"A list of at most {MAX_LIST} items."
    if not isinstance(flags, list) or len(flags) > MAX_LIST:
        errors["flags"] = f"A list of at most {MAX_LIST} words."
    intent = (fields["intent"] or "").strip()
    if len(intent) > 100:
        errors["intent"] = "At most 100 characters."
    if errors:
        raise ValidationError(errors)
    return {
        "confidence": None if confidence is None else float(confidence),
        "sentiment": None if sentiment is None else float(sentiment),
        "intent": intent.lower(),
        "attempted_solutions": attempted,
        "flags": [str(f).strip().lower() for f in flags if str(f).strip()],
    }


def _version(policy: EscalationPolicy | None) -> int | None:
    if policy is None:
        return None
    return config_cached(
        "escalation_policy_version",
        policy.pk,
        lambda: policy.history.order_by("-history_id").values_list("history_id", flat=True).first(),
    )


def _plain(check: Check, policy_name: str) -> dict:
    plain = {k: v for k, v in asdict(check).items() if v is not None}
    return {**plain, "detail": check.detail(policy_name)}


def customer_asked_for_a_person(*, ticket: Ticket, message: Message, actor: Actor):
    """Reactive hand-over: the customer's message has one of the workspace's phrases."""
    found = phrases_found(workspace_kept(ticket.workspace_id).human_request_phrases, message.body)
    if not found or ticket.status not in ACTIVE_STATUSES:
        return None
    if open_escalations(ticket.pk):
        return None
    policy = policy_for_intent(ticket.workspace_id, ticket.ai_intent)
    team, tier = handoff_destination(ticket, policy)
    return escalation_create(
        ticket=ticket,
        kind=EscalationKind.REACTIVE,
        trigger="customer_asked",
        to_team=team,
        to_tier=tier,
        reasons=[f"The customer asked for a person ({', '.join(found)})."],
        summary=f"The customer asked for a person: “{message.body[:300]}”",
        actor=actor,
    )
