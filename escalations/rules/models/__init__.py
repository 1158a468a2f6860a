"""Rules models, re-exported: import them from here."""

from escalations.rules.models.integrations import Integration
from escalations.rules.models.rules import Rule, RuleDrill, RuleFiring, RuleSet
from escalations.rules.models.webhooks import (
    SUBSCRIBABLE_EVENTS,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "SUBSCRIBABLE_EVENTS",
    "Integration",
    "Rule",
    "RuleDrill",
    "RuleFiring",
    "RuleSet",
    "WebhookDelivery",
    "WebhookSubscription",
]
