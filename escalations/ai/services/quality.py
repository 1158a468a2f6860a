"""The AI's first check against a quality checklist: its flags are recorded; an error type
that escalates at once, or one that recurs too often within the window, escalates the item."""

from datetime import timedelta

from escalations.ai.models import Decision, QualityChecklist, QualityFlag
from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.tickets.models import EscalationKind, Ticket
from escalations.tickets.services.escalations import escalation_create


def _checklists(workspace_id: int) -> tuple:
    return config_cached(
        "quality_checklists",
        workspace_id,
        lambda: tuple(QualityChecklist.objects.filter(workspace=workspace_id)),
    )


def quality_flags_record(*, ticket: Ticket, flags: list[str], actor: Actor, may_escalate: bool):
    """Record the checklist error types among the AI's flags; escalate when a trigger says so
    (and `may_escalate`: the ticket is not with a person already). Returns the escalation."""

    if not flags:
        return None
    escalation = None
    for checklist in _checklists(ticket.workspace_id):
        known = {t["key"]: t for t in checklist.error_types}
        found = [known[f] for f in dict.fromkeys(flags) if f in known]
        if not found:
            continue
        now = clock.now()
        QualityFlag.objects.bulk_create(
            QualityFlag(
                checklist=checklist,
                ticket=ticket,
                error_type=t["key"],
                severity=t["severity"],
                flagged_at=now,
            )
            for t in found
        )
        reasons = _triggers(checklist, found, now)
        event_record(
            ticket=ticket,
            event_type=EventType.QUALITY_FLAGGED,
            actor=actor,
            to_value=", ".join(f"{t['label']} ({t['severity']})" for t in found)[:250],
            reason="; ".join(reasons),
            data={"checklist": checklist.pk, "error_types": [t["key"] for t in found]},
        )
        if reasons and may_escalate and escalation is None:
            escalation = escalation_create(
                ticket=ticket,
                kind=EscalationKind.PROACTIVE,
                trigger="quality",
                to_team=checklist.to_team,
                reasons=reasons,
                summary=f"{checklist.title}: " + "; ".join(reasons),
                actor=actor,
            )
    return escalation


def quality_after_verdict(*, verdict, ticket: Ticket, actor: Actor) -> None:
    """The AI's flags on a verdict: recorded always; they may escalate only a ticket the
    verdict left with the AI."""

    escalation = quality_flags_record(
        ticket=ticket,
        flags=verdict.flags,
        actor=actor,
        may_escalate=verdict.decision == Decision.STAY,
    )
    if escalation is not None:
        verdict.escalation = escalation
        verdict.save(update_fields=["escalation"])


def _triggers(checklist: QualityChecklist, found: list[dict], now) -> list[str]:
    reasons = [
        f"{t['label']} escalates at once." for t in found if t["key"] in checklist.escalate_at_once
    ]
    if checklist.recurrences and checklist.within_hours:
        since = now - timedelta(hours=checklist.within_hours)
        for t in found:
            if checklist.recurring_types and t["key"] not in checklist.recurring_types:
                continue
            count = QualityFlag.objects.filter(
                checklist=checklist, error_type=t["key"], flagged_at__gte=since
            ).count()
            if count >= checklist.recurrences:
                reasons.append(
                    f"{t['label']} flagged {count} times in {checklist.within_hours} h "
                    f"(the limit is {checklist.recurrences})."
                )
    return reasons
