"""Escalation drills: replay the recorded events of past tickets against a rule set (usually a
draft) and report, per ticket and in total, what it would have done against what happened.

The replay is first-order: the draft's actions are not applied, so rules that would react to
them are not run; the report says which events each rule would have fired on.

A rule's script runs too, on the replayed ticket and the history recorded up to the event, and
its actions are counted with the rule's own. Its `lookup()` is not answered: what an
integration said back then was not recorded, and asking it now would tell the present, so a
run that calls lookup() is skipped (its actions not counted) and the report counts the runs,
the skipped ones and the ones that failed.
"""

from collections import Counter

from django.db import transaction

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.rules.actions import ActionError
from escalations.rules.engine import matching_rules
from escalations.rules.models import RuleDrill, RuleFiring, RuleSet
from escalations.rules.scripts import LookupSkipped, ScriptError, lookup_skipped
from escalations.rules.selectors import compiled_rule_set, facts_from_state, trigger_for
from escalations.rules.services.rule_actions import SCRIPT_HISTORY, script_run
from escalations.sla.calendars import workspace_calendar
from escalations.tickets.models import (
    Agent,
    AssignmentStrategy,
    AuthorKind,
    Escalation,
    Team,
    Ticket,
)
from escalations.tickets.selectors.workflows import workflow_of
from escalations.tickets.workflow import Workflow

PER_TICKET_LIMIT = 500
MEASURES = ("firings", "escalations", "assignments")
SCRIPT_MEASURES = ("run", "skipped_at_lookup", "failed")
PROGRESS_EVERY = 10


@transaction.atomic
def drill_start(*, rule_set: RuleSet, period_start, period_end, actor: Actor) -> RuleDrill:
    """Record the drill and hand it to the task queue once the transaction commits."""
    drill = RuleDrill.objects.create(
        rule_set=rule_set,
        period_start=period_start,
        period_end=period_end,
        created_by=actor.user,
        tickets_total=_tickets(rule_set, period_start, period_end).count(),
    )
    transaction.on_commit(lambda: _enqueue(drill.pk))
    return drill


def _enqueue(drill_id: int) -> None:
    from django_q.tasks import async_task

    async_task("escalations.tasks.drill_run_task", drill_id, task_name=f"drill-{drill_id}")


def _tickets(rule_set: RuleSet, start, end):
    return Ticket.objects.filter(
        workspace=rule_set.workspace_id, created_at__gte=start, created_at__lt=end
    ).order_by("created_at", "id")


def drill_run(*, drill_id: int) -> RuleDrill:
    """Run a queued drill to the end (called by the task queue; safe to call again)."""
    drill = RuleDrill.objects.select_related("rule_set__workspace").get(pk=drill_id)
    if drill.status == RuleDrill.Status.DONE:
        return drill
    RuleDrill.objects.filter(pk=drill.pk).update(status=RuleDrill.Status.RUNNING, tickets_done=0)
    try:
        report = _replay(drill)
    except Exception as exc:
        RuleDrill.objects.filter(pk=drill.pk).update(
            status=RuleDrill.Status.FAILED, error=str(exc)[:2000], finished_at=clock.now()
        )
        raise
    RuleDrill.objects.filter(pk=drill.pk).update(
        status=RuleDrill.Status.DONE, report=report, finished_at=clock.now()
    )
    drill.refresh_from_db()
    return drill


def _replay(drill: RuleDrill) -> dict:
    rule_set = drill.rule_set
    workspace = rule_set.workspace
    compiled = compiled_rule_set(rule_set.pk, rule_set.version, rule_set.revision)
    team_rows = list(
        Team.objects.filter(workspace=workspace).values_list("pk", "slug", "assignment_strategy")
    )
    teams = {pk: slug for pk, slug, _ in team_rows}
    # the teams whose strategy assigns a ticket escalated to them
    assigning = {slug for _, slug, strategy in team_rows if strategy != AssignmentStrategy.MANUAL}
    calendar = workspace_calendar(workspace, around=drill.period_start.date())
    agents = dict(Agent.objects.values_list("pk", "user__username"))
    tickets = list(
        _tickets(rule_set, drill.period_start, drill.period_end).select_related(
            "customer", "workspace"
        )
    )
    totals = {"actual": Counter(), "draft": Counter()}
    scripts = Counter()
    per_ticket, changed = [], 0
    for done, ticket in enumerate(tickets, start=1):
        actual, draft, events = _replay_ticket(
            ticket, compiled, calendar, teams, agents, assigning, scripts
        )
        totals["actual"].update(actual)
        totals["draft"].update(draft)
        if actual != draft:
            changed += 1
            if len(per_ticket) < PER_TICKET_LIMIT:
                per_ticket.append(
                    {
                        "ticket": ticket.pk,
                        "subject": ticket.subject,
                        "events": events,
                        "actual": _counts(actual),
                        "draft": _counts(draft),
                    }
                )
        if done % PROGRESS_EVERY == 0 or done == len(tickets):
            RuleDrill.objects.filter(pk=drill.pk).update(tickets_done=done)
    return {
        "tickets": len(tickets),
        "tickets_changed": changed,
        "totals": {side: _counts(counts) for side, counts in totals.items()},
        "per_ticket": per_ticket,
        "note": "First-order replay: the draft's actions are not applied during the drill.",
        "scripted_rules": sum(1 for rule in compiled.rules if rule.script),
        "scripts": {measure: scripts.get(measure, 0) for measure in SCRIPT_MEASURES},
    }


def _counts(counter: Counter) -> dict[str, int]:
    return {measure: counter.get(measure, 0) for measure in MEASURES}


def _replay_ticket(ticket, compiled, calendar, teams, agents, assigning, scripts: Counter):
    """Walk the ticket's events in order, keeping its state, and count both sides (and, in
    `scripts`, the rule scripts' runs)."""
    events = list(ticket.events.order_by("created_at", "id"))
    messages = list(ticket.messages.order_by("created_at", "id"))
    fired = {}
    for firing in RuleFiring.objects.filter(ticket=ticket).values("event_id", "rule_name"):
        fired.setdefault(firing["event_id"], []).append(firing["rule_name"])
    actual, draft = Counter(), Counter()
    actual["escalations"] = Escalation.objects.filter(
        ticket=ticket, trigger__startswith="rule:"
    ).count()
    actual["assignments"] = sum(
        1
        for e in events
        if e.event_type == EventType.FIELD_CHANGED
        and e.data.get("field") == "assignee"
        and e.actor_kind == "rule"
    )
    state, replayed = None, 0
    workflow = workflow_of(ticket.workspace_id)
    for index, event in enumerate(events):
        if event.event_type == EventType.TICKET_CREATED:
            state = _initial_state(ticket, event, teams, agents, workflow)
        elif state is not None:
            _apply_event(state, event, teams, agents, workflow)
        trigger = trigger_for(event)
        if state is None or trigger is None:
            continue
        replayed += 1
        actual["firings"] += len(fired.get(event.pk, []))
        before = [m for m in messages if m.created_at <= event.created_at]
        customer_messages = [m for m in before if m.author_kind == AuthorKind.CUSTOMER]
        agent_messages = [
            m for m in before if m.author_kind == AuthorKind.AGENT and not m.is_internal
        ]
        facts = facts_from_state(
            state=state,
            body=customer_messages[-1].body if customer_messages else "",
            customer=ticket.customer,
            event=event,
            trigger=trigger,
            now=event.created_at,
            calendar=calendar,
            last_customer=customer_messages[-1].created_at if customer_messages else None,
            last_agent=agent_messages[-1].created_at if agent_messages else None,
        )
        for rule in matching_rules(compiled, trigger, facts):
            draft["firings"] += 1
            actions = list(rule.actions)
            if rule.script:
                recorded = events[max(0, index + 1 - SCRIPT_HISTORY) : index + 1]
                actions += _script_actions(rule, facts, recorded, ticket.workspace, scripts)
            for action in actions:
                if action["type"] == "escalate":
                    draft["escalations"] += 1
                    # the receiving team's strategy assigns (who was free then is not known)
                    draft["assignments"] += action["value"] in assigning
                elif action["type"] == "set_assignee":
                    draft["assignments"] += 1
    return actual, draft, replayed


def _script_actions(rule, facts: dict, recorded: list, workspace, scripts: Counter) -> list:
    """The script's actions on the replayed facts and the history recorded up to the event,
    as the live run gives it; none when it calls lookup() (skipped) or fails."""
    history = [
        {
            "type": e.event_type,
            "from": e.from_value,
            "to": e.to_value,
            "at": e.created_at.isoformat(),
        }
        for e in recorded
    ]
    try:
        actions = script_run(
            rule, facts=facts, history=history, workspace=workspace, lookup=lookup_skipped
        )
    except LookupSkipped:
        scripts["skipped_at_lookup"] += 1
        return []
    except (ScriptError, ActionError):
        scripts["failed"] += 1
        return []
    scripts["run"] += 1
    return actions


def _initial_state(ticket, event, teams, agents, workflow: Workflow) -> dict:
    snapshot = event.data.get("snapshot") or {}
    created_in = snapshot.get("status", "new")
    state = {
        "id": ticket.pk,
        "subject": snapshot.get("subject", event.data.get("subject", ticket.subject)),
        "store": snapshot.get("store", ""),
        "topic": snapshot.get("topic", ""),
        "channel": snapshot.get("channel", event.data.get("channel", ticket.channel)),
        "tags": list(snapshot.get("tags", [])),
        "priority": snapshot.get("priority", ticket.priority),
        "status": created_in,
        "custom_status": _status_slug(workflow, created_in, None),
        "team": teams.get(snapshot.get("team")),
        "assignee": agents.get(snapshot.get("assignee")),
        "tier": snapshot.get("tier", 1),
        "ai_confidence": snapshot.get("ai_confidence"),
        "ai_sentiment": snapshot.get("ai_sentiment"),
        "ai_intent": snapshot.get("ai_intent", ""),
        "custom": dict(snapshot.get("custom_fields") or {}),
    }
    return state


def _status_slug(workflow: Workflow, state: str, named: str | None) -> str | None:
    """The workflow status a replayed ticket is in: the one an event names (by slug, or by
    name in events written before they carried slugs), else its state's default. None where
    the workspace has no statuses of its own (rules see no custom status there)."""
    if workflow.is_builtin:
        return None
    found = workflow.get(named or "") or next(
        (s for s in workflow.statuses if s.name == named), None
    )
    found = found or workflow.default_for(state)
    return found.slug if found is not None else None


def _apply_event(state: dict, event, teams, agents, workflow: Workflow) -> None:
    if event.event_type == EventType.STATUS_CHANGED:
        state["status"] = event.to_value
        named = event.data.get("to_status") or event.data.get("custom_status")
        state["custom_status"] = _status_slug(workflow, event.to_value, named)
    elif event.event_type == EventType.CUSTOM_STATUS_CHANGED:
        named = event.data.get("to_status") or event.to_value
        state["custom_status"] = _status_slug(workflow, state["status"], named)
    elif event.event_type == EventType.FIELD_CHANGED:
        field, value = event.data.get("field"), event.data.get("to")
        if field == "team":
            state["team"] = teams.get(value)
        elif field == "assignee":
            state["assignee"] = agents.get(value)
        elif field == "custom_fields":
            state["custom"] = dict(value or {})
        elif field in state:
            state[field] = value
