"""Reads for the AI hand-over: which escalation policy applies to a task, what the customer
said this turn, how a verdict measures up against the policy, and where a hand-over goes."""

from dataclasses import asdict, dataclass
from typing import Any

from escalations.ai.models import EscalationPolicy
from escalations.ai.verdict_checks import check_text
from escalations.core.config_cache import config_cached
from escalations.rules.text import phrases_found
from escalations.tickets.kept import team_kept
from escalations.tickets.models import (
    AuthorKind,
    Message,
    Team,
    Ticket,
    Tier,
)
from escalations.tickets.selectors.tickets import latest_customer_body


@dataclass(frozen=True)
class Check:
    """One test of a verdict against a policy, kept with its numbers."""

    name: str
    passed: bool
    value: Any = None
    threshold: Any = None
    problems: list | None = None  # field formats: what is wrong with each field

    def detail(self, policy_name: str = "") -> str:
        return check_text(asdict(self), policy_name=policy_name)


def policy_for_intent(workspace_id: int, intent: str) -> EscalationPolicy | None:
    """The active policy naming the task category, else the workspace's default policy."""
    policies = config_cached(
        "escalation_policies",
        workspace_id,
        lambda: list(EscalationPolicy.objects.filter(workspace=workspace_id, is_active=True)),
    )
    wanted = intent.strip().lower()
    named = [p for p in policies if wanted and wanted in {c.lower() for c in p.categories}]
    if named:
        return named[0]
    return next((p for p in policies if p.is_default), None)


def customer_text(ticket: Ticket, message: Message | None = None) -> str:
    """What the customer said this turn: the subject and their latest message."""
    if message is None or message.author_kind != AuthorKind.CUSTOMER:
        return f"{ticket.subject}\n{latest_customer_body(ticket.pk)}"
    return f"{ticket.subject}\n{message.body}"


def policy_checks(
    policy: EscalationPolicy, *, ticket: Ticket, verdict: dict, text: str
) -> list[Check]:
    """Every check the policy asks for, passed or not."""
    checks = []
    if policy.always_human:
        checks.append(Check("always_human", False))
    confidence = verdict.get("confidence")
    if policy.min_confidence is not None:
        floor = float(policy.min_confidence)
        checks.append(
            Check(
                "confidence",
                confidence is not None and confidence >= floor,
                confidence,
                floor,
            )
        )
    sentiment = verdict.get("sentiment")
    if policy.sentiment_floor is not None and sentiment is not None:
        floor = float(policy.sentiment_floor)
        checks.append(
            Check(
                "sentiment",
                sentiment >= floor,
                sentiment,
                floor,
            )
        )
    if policy.keywords:
        found = phrases_found(policy.keywords, text)
        checks.append(Check("keywords", not found, found))
    if policy.customer_tiers:
        tier = ticket.customer.tier
        checks.append(
            Check(
                "customer_tier",
                tier not in policy.customer_tiers,
                tier,
                policy.customer_tiers,
            )
        )
    known = {**ticket.custom_fields, **verdict["fields"]}
    missing = [key for key in policy.required_fields if is_blank(known.get(key))]
    if policy.required_fields:
        checks.append(
            Check(
                "required_fields",
                not missing,
                missing,
                policy.required_fields,
            )
        )
    if policy.check_field_formats and (verdict["fields"] or verdict["bad_fields"]):
        bad = sorted(verdict["bad_fields"])
        problems = [verdict["bad_fields"][key] for key in bad]
        checks.append(Check("field_formats", not bad, bad, problems=problems or None))
    flags = [str(f).lower() for f in verdict.get("flags", [])]
    raised = sorted(set(flags) & {f.lower() for f in policy.escalate_on_flags})
    if policy.escalate_on_flags:
        checks.append(Check("flags", not raised, raised))
    if policy.escalate_on_ambiguous:
        checks.append(
            Check(
                "ambiguous",
                "ambiguous" not in flags,
                "ambiguous" in flags,
            )
        )
    return checks


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def handoff_destination(ticket: Ticket, policy: EscalationPolicy | None) -> tuple[Team | None, int]:
    tier = policy.to_tier if policy else min(ticket.tier + 1, Tier.L3)
    if policy is not None and policy.to_team_id:
        team = team_kept(policy.to_team_id)
        return team, team.tier
    team = config_cached(
        "escalation_target",
        (ticket.workspace_id, tier),
        lambda: (
            Team.objects.filter(workspace=ticket.workspace_id, tier=tier, is_escalation_target=True)
            .order_by("name", "pk")
            .first()
        ),
    )
    return team, tier
