"""What a condition can look at: the catalog of fields, their kinds and where each is read.

Facts are one plain dict per event (built by the rules service, also the CEL variables):
``{"ticket": {...}, "customer": {...}, "event": {...}, "business_hours": bool, ...}``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from escalations.tickets.models import Channel, CustomerTier, Priority, TicketStatus, Tier

TEXT, NUMBER, CHOICE, LIST, BOOLEAN, ANY = "text", "number", "choice", "list", "boolean", "any"

CUSTOM_PREFIX = "custom."
CRM_PREFIX = "customer.crm."


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str
    path: tuple[str, ...]  # where the value sits in the facts, e.g. ("ticket", "subject")
    # For choice fields: the allowed values (stored value → label). For ordinal numbers
    # (priority, tier) the names a manager may type instead of the number.
    choices: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)

    @property
    def getter(self) -> Callable[[dict], Any]:
        *parents, last = self.path

        def get(facts: dict) -> Any:
            for key in parents:
                facts = facts[key]
            return facts.get(last)

        return get


def _ticket(key: str) -> tuple[str, ...]:
    return ("ticket", key)


def _customer(key: str) -> tuple[str, ...]:
    return ("customer", key)


def _event(key: str) -> tuple[str, ...]:
    return ("event", key)


def _top(key: str) -> tuple[str, ...]:
    return (key,)


_PRIORITY_NAMES = {p.name.lower(): int(p.value) for p in Priority}
_TIER_NAMES = {t.label.lower(): int(t.value) for t in Tier}

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in [
        FieldSpec("subject", "Subject", TEXT, _ticket("subject")),
        FieldSpec("body", "Latest customer message", TEXT, _ticket("body")),
        FieldSpec("text", "Subject or latest customer message", TEXT, _ticket("text")),
        FieldSpec("store", "Store / brand", TEXT, _ticket("store")),
        FieldSpec("topic", "Topic (request type)", TEXT, _ticket("topic")),
        FieldSpec("channel", "Channel", CHOICE, _ticket("channel"), dict(Channel.choices)),
        FieldSpec("tags", "Tags", LIST, _ticket("tags")),
        FieldSpec("priority", "Priority", NUMBER, _ticket("priority"), aliases=_PRIORITY_NAMES),
        FieldSpec("status", "Status", CHOICE, _ticket("status"), dict(TicketStatus.choices)),
        FieldSpec("custom_status", "Workspace status (slug)", TEXT, _ticket("custom_status")),
        FieldSpec("team", "Team (slug)", TEXT, _ticket("team")),
        FieldSpec("assignee", "Assignee (login)", TEXT, _ticket("assignee")),
        FieldSpec("tier", "Tier", NUMBER, _ticket("tier"), aliases=_TIER_NAMES),
        FieldSpec("ai_confidence", "AI confidence (0 to 1)", NUMBER, _ticket("ai_confidence")),
        FieldSpec("ai_sentiment", "AI sentiment (-1 to 1)", NUMBER, _ticket("ai_sentiment")),
        FieldSpec("ai_intent", "AI intent / task category", TEXT, _ticket("ai_intent")),
        FieldSpec(
            "customer.tier", "Customer tier", CHOICE, _customer("tier"), dict(CustomerTier.choices)
        ),
        FieldSpec("customer.segment", "Customer segment", TEXT, _customer("segment")),
        FieldSpec("customer.company", "Customer company", TEXT, _customer("company")),
        FieldSpec("customer.email", "Customer email", TEXT, _customer("email")),
        FieldSpec("customer.language", "Customer language", TEXT, _customer("language")),
        FieldSpec("business_hours", "Inside business hours", BOOLEAN, _top("business_hours")),
        FieldSpec(
            "minutes_since_customer_message",
            "Minutes since the last customer message",
            NUMBER,
            _top("minutes_since_customer_message"),
        ),
        FieldSpec(
            "minutes_since_agent_message",
            "Minutes since the last agent reply",
            NUMBER,
            _top("minutes_since_agent_message"),
        ),
        FieldSpec("event.field", "Changed field (field changed)", TEXT, _event("field")),
        FieldSpec("event.from", "Value before (status or field changed)", TEXT, _event("from")),
        FieldSpec("event.to", "Value after (status or field changed)", TEXT, _event("to")),
        FieldSpec(
            "event.clock",
            "SLA clock (SLA warning or breach)",
            CHOICE,
            _event("clock"),
            choices={
                "first_response": "First response",
                "next_response": "Next response",
                "resolution": "Resolution",
            },
        ),
    ]
}

CUSTOM_KINDS = {
    "text": TEXT,
    "email": TEXT,
    "url": TEXT,
    "date": TEXT,
    "datetime": TEXT,
    "number": NUMBER,
    "integer": NUMBER,
    "boolean": BOOLEAN,
    "choice": CHOICE,
    "multi_choice": LIST,
}


class UnknownField(ValueError):
    pass


def resolve_field(name: str, custom_fields: dict[str, Any] | None = None) -> FieldSpec:
    """The spec for a field name; `custom.<key>` and `customer.crm.<key>` are dynamic.

    `custom_fields` maps a workspace's custom field keys to their definitions (anything with
    `field_type`, `label` and `choices`); without it any custom key is accepted as text.
    """
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith(CUSTOM_PREFIX) and len(name) > len(CUSTOM_PREFIX):
        key = name[len(CUSTOM_PREFIX) :]
        if custom_fields is not None and key not in custom_fields:
            raise UnknownField(f"the workspace has no custom field {key!r}")
        definition = (custom_fields or {}).get(key)
        kind = CUSTOM_KINDS.get(definition.field_type, TEXT) if definition else ANY
        choices = {c: c for c in definition.choices} if definition and definition.choices else {}
        label = definition.label if definition else key
        return FieldSpec(name, label, kind, ("ticket", "custom", key), choices)
    if name.startswith(CRM_PREFIX) and len(name) > len(CRM_PREFIX):
        key = name[len(CRM_PREFIX) :]
        return FieldSpec(name, f"CRM {key}", ANY, ("customer", "crm", key))
    raise UnknownField(f"there is no field {name!r}")
