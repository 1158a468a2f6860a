"""Core models, re-exported: import them from here."""

from escalations.core.models.api import IdempotencyKey, RateCount, SignedCaller
from escalations.core.models.config import ConfigRevision
from escalations.core.models.event import ActorKind, AppendOnlyError, EventType, TicketEvent

__all__ = [
    "ActorKind",
    "AppendOnlyError",
    "ConfigRevision",
    "EventType",
    "IdempotencyKey",
    "RateCount",
    "SignedCaller",
    "TicketEvent",
]
