"""Reads for rules: the live rule set of a workspace (compiled, kept with the
configuration), the facts a condition reads about a ticket, and the dry run of a rule set."""

from datetime import datetime
from functools import lru_cache

from escalations.core import clock
from escalations.core.config_cache import config_cached
from escalations.core.models import EventType, TicketEvent
from escalations.rules.cel_conditions import compile_cel
from escalations.rules.codegen import RegexBank
from escalations.rules.conditions import compile_condition
from escalations.rules.engine import CompiledRule, CompiledRuleSet, explain_rules
from escalations.rules.models import (
    Rule,
    RuleSet,
    WebhookSubscription,
)
from escalations.sla.selectors import workspace_calendar_today
from escalations.tickets.models import Agent, AuthorKind, Team, Ticket
from escalations.tickets.selectors.tickets import latest_customer_body
from escalations.tickets.selectors.workflows import ticket_status


def trigger_for(event: TicketEvent) -> str | None:
    """Which rule trigger an audit event is, if any."""
    kind, data = event.event_type, event.data
    if kind == EventType.TICKET_CREATED:
        return "ticket_created"
    if kind == EventType.MESSAGE_ADDED and not data.get("opening"):
        return {AuthorKind.CUSTOMER: "customer_replied", AuthorKind.AGENT: "agent_replied"}.get(
            data.get("author_kind")
        )
    if kind == EventType.STATUS_CHANGED:
        return "status_changed"
    if kind in (EventType.FIELD_CHANGED, EventType.CUSTOM_STATUS_CHANGED):
        return "field_changed"
    if kind == EventType.AI_VERDICT:
        return "ai_verdict"
    return _TIME_TRIGGERS.get(kind)


_TIME_TRIGGERS = {
    EventType.SLA_WARNING: "sla_warning",
    EventType.SLA_BREACHED: "sla_breached",
    EventType.SNOOZE_ENDED: "snooze_ended",
    EventType.NO_AGENT_REPLY: "no_agent_reply",
}


def no_reply_waits(workspace_id: int) -> set[int]:
    """The 'no agent reply for X minutes' waits the workspace's live rules listen for."""
    ruleset = live_rule_set(workspace_id)
    if ruleset is None:
        return set()
    return {r.wait_minutes for r in ruleset.by_trigger.get("no_agent_reply", ()) if r.wait_minutes}


def live_rule_set(workspace_id: int) -> CompiledRuleSet | None:
    """The workspace's live rule set, compiled (kept with the configuration)."""
    return config_cached("live_rules", workspace_id, lambda: _live_rule_set(workspace_id))


def _live_rule_set(workspace_id: int) -> CompiledRuleSet | None:
    row = (
        RuleSet.objects.filter(workspace_id=workspace_id, is_live=True)
        .values_list("id", "version", "revision")
        .first()
    )
    return compiled_rule_set(*row) if row else None


@lru_cache(maxsize=256)
def compiled_rule_set(rule_set_id: int, version: int, revision) -> CompiledRuleSet:
    """Compile once per revision; any change to the set or its rules gives a new one."""
    rules = Rule.objects.filter(rule_set_id=rule_set_id, is_active=True)
    bank = RegexBank()
    compiled = tuple(compile_rule(rule, regex_bank=bank) for rule in rules)
    bank.freeze()
    return CompiledRuleSet(id=rule_set_id, version=version, rules=compiled)


def compile_rule(rule: Rule, *, regex_bank: RegexBank | None = None) -> CompiledRule:
    return CompiledRule(
        id=rule.pk,
        name=rule.name,
        version=rule.version,
        position=rule.position,
        triggers=frozenset(rule.triggers),
        condition=(
            compile_cel(rule.condition_cel)
            if rule.condition_cel.strip()
            else compile_condition(rule.condition, regex_bank=regex_bank)
        ),
        actions=tuple(rule.actions),
        stop_processing=rule.stop_processing,
        script=rule.script,
        wait_minutes=rule.wait_minutes,
    )


def facts_queryset():
    """Tickets with what their facts need that is not kept with the configuration."""
    return Ticket.objects.select_related("customer")


def ticket_facts(ticket: Ticket, event: TicketEvent | None, trigger: str | None) -> dict:
    """Everything a condition can read about the ticket at this event, as plain data."""
    last = {"customer": ticket.last_customer_message_at, "agent": ticket.last_agent_message_at}
    body = latest_customer_body(ticket.pk)
    # Plain str and int: a ticket made in this transaction holds its choices' enum members,
    # which a script's process could not unpickle.
    state = {
        "id": ticket.pk,
        "subject": str(ticket.subject),
        "store": str(ticket.store),
        "topic": str(ticket.topic),
        "channel": str(ticket.channel),
        "tags": list(ticket.tags),
        "priority": int(ticket.priority),
        "status": str(ticket.status),
        "custom_status": _slug(ticket_status(ticket)),
        "team": team_slugs(ticket.workspace_id).get(ticket.team_id),
        "assignee": agent_logins().get(ticket.assignee_id),
        "tier": int(ticket.tier),
        "ai_confidence": ticket.ai_confidence,
        "ai_sentiment": ticket.ai_sentiment,
        "ai_intent": ticket.ai_intent,
        "custom": dict(ticket.custom_fields),
    }
    return facts_from_state(
        state=state,
        body=body,
        customer=ticket.customer,
        event=event,
        trigger=trigger,
        now=clock.now(),
        calendar=workspace_calendar_today(ticket),
        last_customer=last["customer"],
        last_agent=last["agent"],
    )


def _slug(status) -> str | None:
    """A workspace status's slug; None for a lifecycle state (no status of its own)."""
    return status.slug if status.id is not None else None


def team_slugs(workspace_id: int) -> dict[int, str]:
    return config_cached(
        "team_slugs",
        workspace_id,
        lambda: dict(Team.objects.filter(workspace=workspace_id).values_list("pk", "slug")),
    )


def agent_logins() -> dict[int, str]:
    return config_cached(
        "agent_logins", None, lambda: dict(Agent.objects.values_list("pk", "user__username"))
    )


def facts_from_state(
    *, state, body, customer, event, trigger, now, calendar, last_customer, last_agent
) -> dict:
    """The facts for a ticket state (live, or rebuilt from history by a drill)."""
    data = event.data if event is not None else {}
    return {
        "ticket": {**state, "body": body, "text": f"{state['subject']}\n{body}"},
        "customer": {
            "tier": str(customer.tier),
            "segment": str(customer.segment),
            "company": str(customer.company),
            "email": str(customer.email),
            "language": str(customer.language),
            "crm": dict(customer.crm_data),
        },
        "event": {
            "type": trigger,
            "field": data.get("field"),
            "from": event.from_value if event is not None else None,
            "to": event.to_value if event is not None else None,
            "clock": data.get("kind"),
            "minutes": data.get("minutes"),
        },
        "business_hours": calendar.is_open(now),
        "minutes_since_customer_message": _minutes(now, last_customer),
        "minutes_since_agent_message": _minutes(now, last_agent),
    }


def _minutes(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round((now - then).total_seconds() / 60, 2)


def rules_dry_run(*, ticket: Ticket, trigger: str, rule_set: RuleSet) -> list[dict]:
    """What the rule set would do for this ticket on this trigger now. Reads only."""

    compiled = compiled_rule_set(rule_set.pk, rule_set.version, rule_set.revision)
    facts = ticket_facts(ticket, None, trigger)
    return explain_rules(compiled.rules, trigger, facts)


def ticket_payload(ticket: Ticket) -> dict:
    """What a webhook says about the ticket."""
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "tier": int(ticket.tier),
        "team": ticket.team.slug if ticket.team_id else None,
        "assignee": ticket.assignee.user.get_username() if ticket.assignee_id else None,
        "tags": ticket.tags,
    }


def subscriptions_for(event_type: str) -> list[WebhookSubscription]:
    """Active subscriptions to the event (kept with the configuration: a change is heard by
    the next request of every process)."""
    rows = config_cached(
        "webhook_subscriptions",
        None,
        lambda: list(
            WebhookSubscription.objects.filter(
                is_active=True, integration__is_active=True
            ).select_related("integration")
        ),
    )
    return [row for row in rows if event_type in row.events]
