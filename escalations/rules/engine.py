"""Evaluate a compiled rule set against the facts of one event. Pure and fast."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from escalations.rules.conditions import Condition

TRIGGERS = {
    "ticket_created": "Ticket created",
    "customer_replied": "Customer replied",
    "agent_replied": "Agent replied",
    "status_changed": "Status changed",
    "field_changed": "Field changed",
    "ai_verdict": "AI verdict received",
    "sla_warning": "SLA warning",
    "sla_breached": "SLA breached",
    "snooze_ended": "Snooze ended",
    "no_agent_reply": "No agent reply for…",
}


@dataclass(frozen=True)
class CompiledRule:
    id: int
    name: str
    version: int
    position: int
    triggers: frozenset[str]
    condition: Condition
    actions: tuple[dict, ...]
    stop_processing: bool
    script: str = ""
    wait_minutes: int | None = None  # for no_agent_reply: the wait this rule is about


@dataclass
class CompiledRuleSet:
    id: int
    version: int
    rules: tuple[CompiledRule, ...]
    by_trigger: dict[str, tuple[CompiledRule, ...]] = field(init=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.rules, key=lambda r: (r.position, r.id))
        self.by_trigger = {
            trigger: tuple(r for r in ordered if trigger in r.triggers) for trigger in TRIGGERS
        }

    def listens_to(self, trigger: str) -> bool:
        return bool(self.by_trigger.get(trigger))


def matching_rules(ruleset: CompiledRuleSet, trigger: str, facts: dict) -> list[CompiledRule]:
    """The rules whose conditions hold, in order, cut after the first that stops processing."""
    matched = []
    for rule in ruleset.by_trigger.get(trigger, ()):
        if not waits_for(rule, trigger, facts):
            continue
        if rule.condition.test(facts):
            matched.append(rule)
            if rule.stop_processing:
                break
    return matched


def waits_for(rule: CompiledRule, trigger: str, facts: dict) -> bool:
    """A 'no agent reply' event is for the rules waiting exactly that long."""
    if trigger != "no_agent_reply":
        return True
    return rule.wait_minutes == facts["event"].get("minutes")


def explain_rules(rules: Iterable[CompiledRule], trigger: str, facts: dict) -> list[dict]:
    """For a dry run: every rule, whether it listens, each condition's value, its actions."""
    report, stopped = [], False
    for rule in sorted(rules, key=lambda r: (r.position, r.id)):
        listens = trigger in rule.triggers and waits_for(rule, trigger, facts)
        explanation = rule.condition.explain(facts)
        would_fire = listens and explanation["value"] and not stopped
        report.append(
            {
                "rule": rule.id,
                "name": rule.name,
                "listens": listens,
                "condition": explanation,
                "matches": bool(listens and explanation["value"]),
                "skipped_by_earlier_stop": bool(listens and explanation["value"] and stopped),
                "would_fire": bool(would_fire),
                "actions": list(rule.actions) if would_fire else [],
            }
        )
        stopped = stopped or (would_fire and rule.stop_processing)
    return report
