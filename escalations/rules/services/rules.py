"""Running the rules: facts for an event, the live rule set (compiled once per version), and
the actions applied through the same services people use."""

from datetime import datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.core.errors import HandoffError
from escalations.core.events import event_record
from escalations.core.held import held_forget, ticket_held
from escalations.core.models import EventType, TicketEvent
from escalations.core.unit_of_work import undispatched
from escalations.rules.actions import ActionError
from escalations.rules.cel_conditions import compile_cel
from escalations.rules.conditions import RegexBank, compile_condition
from escalations.rules.engine import CompiledRule, CompiledRuleSet, explain_rules, matching_rules
from escalations.rules.models import Rule, RuleFiring, RuleSet
from escalations.rules.scripts import ScriptError
from escalations.rules.services.rule_actions import apply_action, script_actions
from escalations.sla.selectors import workspace_calendar_today
from escalations.tickets.models import Agent, AuthorKind, Team, Ticket
from escalations.tickets.selectors.workflows import ticket_status
from escalations.tickets.services.messages import latest_customer_body


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
    state = {
        "id": ticket.pk,
        "subject": ticket.subject,
        "store": ticket.store,
        "topic": ticket.topic,
        "channel": ticket.channel,
        "tags": list(ticket.tags),
        "priority": ticket.priority,
        "status": ticket.status,
        "custom_status": _slug(ticket_status(ticket)),
        "team": team_slugs(ticket.workspace_id).get(ticket.team_id),
        "assignee": agent_logins().get(ticket.assignee_id),
        "tier": ticket.tier,
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
            "tier": customer.tier,
            "segment": customer.segment,
            "company": customer.company,
            "email": customer.email,
            "language": customer.language,
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


def rules_run_for_event(*, event: TicketEvent, depth: int, limit: int) -> list[RuleFiring]:
    """Run the live rules of the ticket's workspace for one event (called by the dispatcher)."""
    trigger = trigger_for(event)
    if trigger is None:
        return []
    # Most events meet no listening rule: decide that before loading the whole ticket.
    workspace_id = event.ticket.workspace_id
    ruleset = live_rule_set(workspace_id)
    if ruleset is None or not ruleset.listens_to(trigger):
        return []
    # The workspace is read only if its calendar is not kept already.
    ticket = ticket_held(event.ticket_id) or facts_queryset().get(pk=event.ticket_id)
    if depth > limit:
        with undispatched():
            event_record(
                ticket=ticket,
                event_type=EventType.RULE_DEPTH_LIMIT,
                actor=Actor.system("rules"),
                reason=f"Rules caused changes {limit} levels deep; this {trigger} was not "
                "dispatched.",
                data={"event": event.pk, "trigger": trigger, "depth": depth},
            )
        return []
    facts = ticket_facts(ticket, event, trigger)
    firings = []
    for rule in matching_rules(ruleset, trigger, facts):
        firing = _fire(rule, ticket=ticket, event=event, trigger=trigger, depth=depth, facts=facts)
        if firing is not None:
            firings.append(firing)
    return firings


def _fire(
    rule: CompiledRule, *, ticket, event, trigger: str, depth: int, facts: dict
) -> RuleFiring | None:
    try:
        with transaction.atomic():
            firing = RuleFiring.objects.create(
                rule_id=rule.id,
                rule_name=rule.name,
                rule_version=rule.version,
                event=event,
                ticket=ticket,
                depth=depth,
            )
    except IntegrityError:
        return None  # this rule already fired for this event
    actor = Actor.rule(f"rule {rule.name} (v{rule.version})")
    with undispatched():
        event_record(
            ticket=ticket,
            event_type=EventType.RULE_FIRED,
            actor=actor,
            to_value=rule.name,
            data={
                "rule": rule.id,
                "rule_version": rule.version,
                "trigger": trigger,
                "event": event.pk,
                "actions": list(rule.actions),
            },
        )
    applied, problems = [], []
    actions = list(rule.actions)
    if rule.script:
        try:
            actions += script_actions(rule, ticket=ticket, facts=facts)
        except (ScriptError, ActionError) as exc:
            problems.append({"action": "script", "problem": str(exc)})
            with undispatched():
                event_record(
                    ticket=ticket,
                    event_type=EventType.RULE_ACTION_REFUSED,
                    actor=actor,
                    to_value="script",
                    reason=f"Script stopped: {exc}",
                    data={"rule": rule.id},
                )
    for action in actions:
        try:
            with transaction.atomic():
                apply_action(action, ticket_id=ticket.pk, actor=actor, trigger=trigger, rule=rule)
            applied.append(action["type"])
        except (ValidationError, HandoffError) as exc:
            held_forget()  # the action's savepoint rolled back: read the ticket afresh
            message = _message(exc)
            problems.append({"action": action["type"], "problem": message})
            with undispatched():
                event_record(
                    ticket=ticket,
                    event_type=EventType.RULE_ACTION_REFUSED,
                    actor=actor,
                    to_value=action["type"],
                    reason=message,
                    data={"rule": rule.id, "action": action},
                )
    firing.actions_applied, firing.problems = applied, problems
    firing.save(update_fields=["actions_applied", "problems"])
    return firing


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return getattr(exc, "message", str(exc))


def rules_dry_run(*, ticket: Ticket, trigger: str, rule_set: RuleSet) -> list[dict]:
    """What the rule set would do for this ticket on this trigger now. Reads only."""

    compiled = compiled_rule_set(rule_set.pk, rule_set.version, rule_set.revision)
    facts = ticket_facts(ticket, None, trigger)
    return explain_rules(compiled.rules, trigger, facts)
