"""What the rules listen to: each event a unit of work dispatches (the rules run), each event
recorded (subscribed webhooks are queued), each customer message (the 'no agent reply'
deadlines the live rules wait for start), and the question which system moves a workspace's
rules make."""

from escalations.core.hooks import (
    CUSTOMER_WROTE,
    EVENT_DISPATCHED,
    EVENT_RECORDED,
    WORKSPACE_SYSTEM_MOVES,
)
from escalations.core.signals import configuration_register
from escalations.rules.models import SUBSCRIBABLE_EVENTS, Rule
from escalations.rules.selectors import no_reply_waits
from escalations.rules.services.rules import rules_run_for_event
from escalations.rules.services.webhooks import webhook_fanout
from escalations.sla.services.timers import no_reply_timers_schedule
from escalations.tickets.workflow import SystemMove


def _webhooks_for(*, event) -> None:
    if event.event_type in SUBSCRIBABLE_EVENTS:
        webhook_fanout(event)


def _no_reply_deadlines(*, ticket, message, actor) -> None:
    waits = no_reply_waits(ticket.workspace_id)
    if waits:
        no_reply_timers_schedule(ticket=ticket, message=message, waits=waits)


def _system_moves(*, workspace_id: int) -> list[str]:
    actions = {
        action.get("type")
        for actions in Rule.objects.filter(
            rule_set__workspace=workspace_id, is_active=True
        ).values_list("actions", flat=True)
        for action in (actions or [])
        if isinstance(action, dict)
    }
    moves = [SystemMove.ESCALATION] if "escalate" in actions else []
    return [*moves, SystemMove.SNOOZE] if "snooze" in actions else moves


def register() -> None:
    configuration_register(
        models=(
            "escalations.RuleSet",
            "escalations.Rule",
            "escalations.Integration",
            "escalations.WebhookSubscription",
        )
    )
    EVENT_DISPATCHED.listen(rules_run_for_event, order=10, owner="rules")
    EVENT_RECORDED.listen(_webhooks_for, order=20, owner="rules")
    CUSTOMER_WROTE.listen(_no_reply_deadlines, order=10, owner="rules")
    WORKSPACE_SYSTEM_MOVES.listen(_system_moves, order=10, owner="rules")
