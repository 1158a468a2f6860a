"""Running the rules for an event: the rules that match fire their actions through the same
services people use (the facts and the live rule set are read by rules.selectors)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from escalations.core.actors import Actor
from escalations.core.db.compiled import insert_many
from escalations.core.errors import HandoffError
from escalations.core.events import event_record
from escalations.core.held import held_forget, ticket_held
from escalations.core.models import EventType, TicketEvent
from escalations.core.unit_of_work import undispatched
from escalations.rules.actions import ActionError
from escalations.rules.engine import CompiledRule, matching_rules
from escalations.rules.models import RuleFiring
from escalations.rules.scripts import ScriptError
from escalations.rules.selectors import facts_queryset, live_rule_set, ticket_facts, trigger_for
from escalations.rules.services.rule_actions import (
    FIELD_ACTIONS,
    apply_action,
    apply_field_action,
    script_actions,
)


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
    matched = matching_rules(ruleset, trigger, facts)
    if not matched:
        return []
    # A rule fires once per event: an event dispatched again fires none of those that fired.
    fired = set(RuleFiring.objects.filter(event=event).values_list("rule_id", flat=True))
    firings = [
        _fire(rule, ticket=ticket, event=event, trigger=trigger, depth=depth, facts=facts)
        for rule in matched
        if rule.id not in fired
    ]
    # Each firing with its results, all of the event's in one INSERT, once their actions ran.
    return insert_many(firings)


def _fire(
    rule: CompiledRule, *, ticket, event, trigger: str, depth: int, facts: dict
) -> RuleFiring:
    firing = RuleFiring(
        rule_id=rule.id,
        rule_name=rule.name,
        rule_version=rule.version,
        event=event,
        ticket=ticket,
        depth=depth,
    )
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
            if action["type"] in FIELD_ACTIONS:
                # Checked before it writes: a refusal leaves nothing to roll back. (Should the
                # write itself fail after the check, the whole unit of work rolls back.)
                apply_field_action(action, ticket_id=ticket.pk, actor=actor)
            else:
                with transaction.atomic():
                    apply_action(
                        action, ticket_id=ticket.pk, actor=actor, trigger=trigger, rule=rule
                    )
            applied.append(action["type"])
        except (ValidationError, HandoffError) as exc:
            held_forget()  # a savepoint rolled back, or a check refused: read the ticket afresh
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
    return firing


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return getattr(exc, "message", str(exc))
