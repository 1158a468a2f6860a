"""What rule actions do: each one through the same service a person would use."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.held import ticket_for_update
from escalations.rules.actions import validate_actions
from escalations.rules.engine import CompiledRule
from escalations.rules.integrations import IntegrationConfig
from escalations.rules.integrations import lookup as integration_lookup
from escalations.rules.models import Integration
from escalations.rules.scripts import ScriptError, run_script
from escalations.rules.selectors import ticket_payload
from escalations.rules.services.webhooks import webhook_queue
from escalations.sla.models import SlaPolicy
from escalations.sla.services.sync import sla_apply_policy
from escalations.tickets.models import Agent, AuthorKind, EscalationKind, Priority, Team, Ticket
from escalations.tickets.selectors.workflow_targets import status_for_state
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.assignment import ticket_assign
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.notifications import notification_send
from escalations.tickets.services.snooze import ticket_snooze
from escalations.tickets.services.tickets import ticket_update, ticket_update_check
from escalations.tickets.services.transitions import ticket_move

SCRIPT_HISTORY = 50  # the latest audit events a script sees


def script_actions(rule: CompiledRule, *, ticket: Ticket, facts: dict) -> list[dict]:
    """Run the rule's script on this ticket and validate the actions it gives back."""
    history = [
        {
            "type": e.event_type,
            "from": e.from_value,
            "to": e.to_value,
            "at": e.created_at.isoformat(),
        }
        for e in ticket.events.order_by("-created_at", "-id")[:SCRIPT_HISTORY][::-1]
    ]
    configs = {
        i.name: IntegrationConfig.from_model(i) for i in Integration.objects.filter(is_active=True)
    }
    return script_run(
        rule,
        facts=facts,
        history=history,
        workspace=ticket.workspace,
        lookup=partial(integration_lookup, configs),
    )


def script_run(rule: CompiledRule, *, facts: dict, history: list[dict], workspace, lookup):
    """The actions the rule's script gives for these facts and this history, validated
    against the workspace (ScriptError, or ActionError, when it gives none that can run)."""
    result = run_script(
        rule.script,
        variables={
            "ticket": facts["ticket"],
            "customer": facts["customer"],
            "event": facts["event"],
            "history": history,
        },
        lookup=lookup,
        timeout=settings.HANDOFF_SCRIPT_TIMEOUT_SECONDS,
    )
    if result is None:
        return []
    if not isinstance(result, list):
        raise ScriptError("the script's last line must give a list of actions")
    return validate_actions(
        result,
        team_slugs=set(workspace.teams.values_list("slug", flat=True)),
        custom_keys=set(workspace.field_definitions.values_list("key", flat=True)),
        sla_policies=set(workspace.sla_policies.values_list("name", flat=True)),
        status_slugs={status.slug for status in workflow_of(workspace.pk).statuses},
    )


# Actions that only set the ticket's own fields: refused, if at all, before anything is written.
FIELD_ACTIONS = frozenset(
    {"set_priority", "raise_priority", "add_tags", "remove_tags", "set_tier", "set_custom_field"}
)


def _acted_on(ticket_id: int) -> Ticket:
    # The ticket the unit of work holds (locked, kept up to date by every service that wrote
    # it); read afresh only when none is held, e.g. after an action's savepoint rolled back,
    # and then locked and held, so the action's own service does not read it again.
    return ticket_for_update(ticket_id)


def field_action_changes(action: dict, ticket: Ticket) -> dict:
    """What a field action sets on the ticket now (empty: nothing to change)."""
    kind, value = action["type"], action.get("value")
    if kind == "set_priority":
        return {"priority": value}
    if kind == "raise_priority":
        higher = [p for p in Priority.values if p > ticket.priority]
        return {"priority": min(higher)} if higher else {}
    if kind == "add_tags":
        return {"tags": [*ticket.tags, *value]}
    if kind == "remove_tags":
        return {"tags": [tag for tag in ticket.tags if tag not in value]}
    if kind == "set_tier":
        return {"tier": value}
    if kind == "set_custom_field":
        return {"custom_fields": {**ticket.custom_fields, action["key"]: value}}
    raise ValidationError(f"{kind!r} is not an action on the ticket's fields.")


def apply_field_action(action: dict, *, ticket_id: int, actor: Actor) -> None:
    """A field action, checked before it writes: a refusal leaves nothing to roll back, so the
    rules run it without a savepoint of its own."""
    ticket = _acted_on(ticket_id)
    changes = field_action_changes(action, ticket)
    if changes:
        ticket_update_check(ticket=ticket, changes=changes)
        ticket_update(ticket=ticket, actor=actor, changes=changes)


def apply_action(action: dict, *, ticket_id: int, actor: Actor, trigger: str, rule) -> None:
    kind, value = action["type"], action.get("value")
    if kind in FIELD_ACTIONS:
        apply_field_action(action, ticket_id=ticket_id, actor=actor)
        return
    ticket = _acted_on(ticket_id)
    if kind == "set_status":
        target = _rule_status_target(ticket, value)
        if target.slug != ticket_status(ticket).slug:
            ticket_move(
                ticket=ticket, to_status=target.slug, actor=actor, reason=f"Rule {rule.name}"
            )
    elif kind == "set_team":
        team = _team(ticket, value)
        changes = {"team": team}
        if ticket.assignee_id and not team.memberships.filter(agent=ticket.assignee_id).exists():
            changes["assignee"] = None
        ticket_update(ticket=ticket, actor=actor, changes=changes)
    elif kind == "set_assignee" and value == "strategy":
        if ticket.team is None:
            raise ValidationError(f"Ticket {ticket.reference} has no team to assign it by.")
        ticket_assign(ticket=ticket, team=ticket.team, actor=actor, note=f"Rule {rule.name}")
    elif kind == "set_assignee":
        agent = None
        if value != "nobody":
            agent = Agent.objects.filter(user__username=value).first()
            if agent is None:
                raise ValidationError(f"There is no agent with the login {value!r}.")
        ticket_update(ticket=ticket, actor=actor, changes={"assignee": agent})
    elif kind == "escalate":
        escalation_create(
            ticket=ticket,
            kind=EscalationKind.RULE,
            rule_id=rule.id,
            rule_name=rule.name,
            trigger=f"rule:{rule.name}",
            to_team=_team(ticket, value),
            summary=action.get("detail") or f"Escalated by the rule {rule.name}.",
            reasons=[f"Rule {rule.name} matched on {trigger.replace('_', ' ')}."],
            actor=actor,
        )
    elif kind == "snooze":
        until = clock.now() + timedelta(minutes=value)
        ticket_snooze(ticket=ticket, until=until, actor=actor, reason=f"Rule {rule.name}")
    elif kind == "apply_sla_policy":
        policy = SlaPolicy.objects.filter(workspace=ticket.workspace_id, name=value).first()
        if policy is None:
            raise ValidationError(f"The workspace has no SLA policy {value!r}.")
        sla_apply_policy(ticket=ticket, policy=policy, actor=actor, reason=f"Rule {rule.name}")
    elif kind == "notify":
        notification_send(
            ticket=ticket,
            recipients=value,
            message=action.get("detail", ""),
            actor=actor,
            source=f"rule {rule.name}",
        )
    elif kind == "send_webhook":
        webhook_queue(
            ticket=ticket,
            integration_name=value,
            path=action.get("detail") or "/",
            payload={"event": trigger, "rule": rule.name, "ticket": ticket_payload(ticket)},
            actor=actor,
        )
    elif kind == "add_note":
        message_add(
            ticket=ticket,
            author_kind=AuthorKind.SYSTEM,
            body=action["detail"],
            is_internal=True,
            actor=actor,
        )
    else:
        raise ValidationError(f"Unknown action {kind!r}.")


def _team(ticket: Ticket, slug: str) -> Team:
    team = Team.objects.filter(workspace=ticket.workspace_id, slug=slug).first()
    if team is None:
        raise ValidationError(f"The workspace has no team {slug!r}.")
    return team


def _rule_status_target(ticket: Ticket, value: str):
    """The status a rule's "set status" names: a workflow status by its slug, or (as rules
    written before workspaces had workflows say) a lifecycle state, for the status the one
    allowed step into it lands on."""

    workflow = workflow_of(ticket.workspace_id)
    return workflow.get(value) or status_for_state(ticket, value)
