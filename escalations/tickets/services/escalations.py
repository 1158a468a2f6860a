"""Handing a ticket over to another team or tier, with its context."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.db.compiled import CompiledRead, insert_one
from escalations.core.errors import IllegalTransition
from escalations.core.events import event_record
from escalations.core.held import ticket_for_update
from escalations.core.hooks import TICKET_ESCALATED
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.kept import team_kept
from escalations.tickets.models import (
    AuthorKind,
    Escalation,
    EscalationKind,
    Message,
    Team,
    Ticket,
    TicketStatus,
    Tier,
)
from escalations.tickets.services.assignment import Route, assignment_record, assignment_route
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.tickets import ticket_update
from escalations.tickets.services.transitions import ticket_system_move
from escalations.tickets.workflow import SystemMove

CONVERSATION_SNAPSHOT_LIMIT = 200
ERR_TEAM_OTHER_WORKSPACE = "{team} is not a team of this ticket's workspace."
ERR_AGENT_NOT_IN_TEAM = gettext_lazy("{agent} is not a member of {team}.")
ERR_NO_DESTINATION = "Choose the team, the agent or the tier to hand the ticket to."
ERR_SUMMARY_REQUIRED = "Write a summary for the person who takes the ticket over."
ERR_RULE_KIND = gettext_lazy("An escalation is by a rule exactly when a rule makes it.")
ERR_FINISHED = gettext_lazy("Ticket {ref} is {state}: reopen it before escalating it.")

# The ticket's hand-overs still waiting on, or being worked by, a person.
open_escalations = CompiledRead(
    lambda ticket_id: Escalation.objects.filter(
        ticket=ticket_id, resolved_at__isnull=True, is_rerouted=False
    ).order_by("pk")
)

_latest_messages = CompiledRead(
    lambda ticket_id: Message.objects.filter(ticket=ticket_id).order_by("-created_at", "-id")[
        :CONVERSATION_SNAPSHOT_LIMIT
    ]
)


def _handoff_package(ticket: Ticket) -> dict:
    """The context a receiving human starts from, frozen at the moment of hand-over."""
    messages = _latest_messages(ticket.pk)[::-1]
    customer = ticket.customer
    return {
        "conversation_snapshot": [
            {
                "at": m.created_at.isoformat(),
                "author_kind": m.author_kind,
                "author": m.author_name,
                "internal": m.is_internal,
                "body": m.body,
            }
            for m in messages
        ],
        "crm_snapshot": {
            "name": customer.name,
            "email": customer.email,
            "company": customer.company,
            "tier": customer.tier,
            "segment": customer.segment,
            "crm_id": customer.crm_id,
            "crm_data": customer.crm_data,
        },
        "ai_confidence": ticket.ai_confidence,
        "ai_sentiment": ticket.ai_sentiment,
    }


@ticket_service
def escalation_create(
    *,
    ticket: Ticket,
    kind: str,
    actor: Actor,
    trigger: str,
    to_team: Team | None = None,
    to_agent=None,
    to_tier: int | None = None,
    reasons: list[str] | None = None,
    summary: str = "",
    ai_attempts: list | None = None,
    summary_required: bool = False,
    to_status: str | None = None,
    rule_id: int | None = None,
    rule_name: str = "",
) -> Escalation:
    """Hand the ticket over: record the escalation, move it where the workspace's workflow
    lands escalations (`to_status`: one of its escalated statuses, chosen), route and note it.
    An escalation by a rule (`kind` rule) names the rule that made it (`rule_id`, `rule_name`)."""
    if kind not in EscalationKind.values:
        raise ValidationError({"kind": f"Unknown escalation kind {kind!r}."})
    if (kind == EscalationKind.RULE) != (rule_id is not None):
        raise ValidationError({"kind": ERR_RULE_KIND})
    if to_team is None and to_agent is None and to_tier is None:
        raise ValidationError({"to_team": ERR_NO_DESTINATION})
    if summary_required and not summary.strip():
        raise ValidationError({"summary": ERR_SUMMARY_REQUIRED})
    if to_team is not None and to_team.workspace_id != ticket.workspace_id:
        raise ValidationError({"to_team": ERR_TEAM_OTHER_WORKSPACE.format(team=to_team)})
    if (
        to_team is not None
        and to_agent is not None
        and not to_team.memberships.filter(agent=to_agent).exists()
    ):
        raise ValidationError(
            {"to_agent": ERR_AGENT_NOT_IN_TEAM.format(agent=to_agent, team=to_team)}
        )
    ticket = ticket_for_update(ticket.pk)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise IllegalTransition(
            ERR_FINISHED.format(ref=ticket.reference, state=ticket.get_status_display()),
            current=ticket.status,
            allowed=[],
        )
    if to_team is not None and to_agent is None:
        route = assignment_route(team=to_team, ticket=ticket)
        to_team, to_agent = route.team, route.agent
        if route.passed_over:
            to_tier = to_team.tier
    elif to_agent is not None and (to_team or ticket.team) is not None:
        route = Route(
            to_team or ticket.team, to_agent, f"Chosen by {actor.label}.", strategy="chosen"
        )
    else:
        route = None
    if to_tier is None:
        to_tier = to_team.tier if to_team is not None else min(ticket.tier + 1, Tier.L3)
    now = clock.now()
    for previous in open_escalations(ticket.pk):
        previous.is_rerouted = True
        previous.rerouted_at = now
        previous.save(update_fields=["is_rerouted", "rerouted_at"])
    escalation = insert_one(
        Escalation(
            ticket=ticket,
            kind=kind,
            trigger=trigger,
            rule_id=rule_id,
            rule_name=rule_name,
            reasons=list(reasons or []),
            from_team=team_kept(ticket.team_id),
            from_tier=ticket.tier,
            from_agent_id=ticket.assignee_id,
            to_team=to_team or ticket.team,
            to_tier=to_tier,
            to_agent=to_agent,
            category=ticket.ai_intent,
            summary=summary.strip(),
            ai_attempts=list(ai_attempts or []),
            created_by=actor.user,
            triggered_at=now,
            **_handoff_package(ticket),
        )
    )
    ticket = ticket_system_move(
        ticket=ticket,
        move=SystemMove.ESCALATION,
        to_status=to_status,
        actor=actor,
        reason=summary.strip() or "; ".join(escalation.reasons),
        data={"escalation": escalation.pk, "kind": kind},
    )
    ticket = ticket_update(
        ticket=ticket,
        actor=actor,
        changes={"team": escalation.to_team, "assignee": to_agent, "tier": to_tier},
        reason=f"Escalation {escalation.pk}",
    )
    event_record(
        ticket=ticket,
        event_type=EventType.ESCALATED,
        actor=actor,
        from_value=_route_end(escalation.from_team, escalation.get_from_tier_display()),
        to_value=_route_end(escalation.to_team, escalation.get_to_tier_display()),
        reason=summary.strip(),
        data={
            "escalation": escalation.pk,
            "kind": kind,
            "trigger": trigger,
            "reasons": escalation.reasons,
            **({"rule": rule_id, "rule_name": rule_name} if rule_id is not None else {}),
        },
    )
    if summary.strip():
        message_add(
            ticket=ticket,
            author_kind=AuthorKind.AGENT if actor.user else AuthorKind.SYSTEM,
            body=f"Escalation summary: {summary.strip()}",
            actor=actor,
            is_internal=True,
        )
    if route is not None:
        assignment_record(ticket=ticket, route=route, actor=actor, note=summary.strip())
    TICKET_ESCALATED.emit(escalation=escalation, actor=actor)
    return escalation


def _route_end(team: Team | None, tier: str) -> str:
    return f"{team.name if team else '—'} ({tier})"


@ticket_service
def escalation_update(
    *, escalation: Escalation, actor: Actor, summary: str, reasons: list[str]
) -> Escalation:
    """Correct an escalation's summary or reasons; the audit trail keeps the earlier text."""
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    before = {"summary": locked.summary, "reasons": locked.reasons}
    after = {"summary": summary.strip(), "reasons": [r.strip() for r in reasons if r.strip()]}
    changed = [field for field in after if after[field] != before[field]]
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, after[field])
    locked.save(update_fields=changed)
    event_record(
        ticket=locked.ticket,
        event_type=EventType.ESCALATION_UPDATED,
        actor=actor,
        data={
            "escalation": locked.pk,
            "changes": {field: [before[field], after[field]] for field in changed},
        },
    )
    return locked
