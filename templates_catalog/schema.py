"""The template file format (format 1): what a workflow template may say, checked before it is
loaded. A file that breaks it is refused with the file and the field named, e.g.
`itsm.yaml: teams[1].tier: 4 is not one of [1, 2, 3]`.

Two passes: the shape (a JSON Schema), then what the shape cannot say — names that refer to
each other (a rule's team, a ladder's team, a transition's statuses), one Accountable per RACI
activity, a default status per lifecycle state, rule conditions and actions compiled by the
rules engine itself.
"""

from typing import Any

from jsonschema import Draft202012Validator

from escalations.rules.engine import TRIGGERS
from escalations.sla.models import ClimbWhen
from escalations.tickets.models import (
    AssignmentFallback,
    AssignmentStrategy,
    FieldType,
    TicketStatus,
    Tier,
)
from templates_catalog.checks import cross_checks
from templates_catalog.shapes import (
    DOCUMENT,
    KEY,
    MINUTES,
    PRIORITY,
    TEAM_REF,
    list_of,
    obj,
    text,
)

FORMAT = 1
MAX_STATUSES = 20


class TemplateError(ValueError):
    """A template file that cannot be loaded; the message names the file and the field."""


TEAM = obj(
    {
        "key": KEY,
        "name": text(120),
        "tier": {"enum": [value for value, _ in Tier.choices]},
        "escalation_target": {"type": "boolean"},
        "description": {"type": "string"},
        "strategy": {"enum": [value for value, _ in AssignmentStrategy.choices]},
        "only_available": {"type": "boolean"},
        "max_open_per_agent": {"type": "integer", "minimum": 1, "maximum": 500},
        "fallback": {"enum": [value for value, _ in AssignmentFallback.choices]},
        "fallback_team": TEAM_REF,
    },
    ("key", "name", "tier"),
)
STATUS = obj(
    {
        "name": text(60),
        "lifecycle": {"enum": [value for value, _ in TicketStatus.choices]},
        "default": {"type": "boolean"},
        # Like a global transition: every status may move here (where the lifecycle can).
        "from_any": {"type": "boolean"},
        "description": {"type": "string"},
    },
    ("name", "lifecycle"),
)
# Where the system's own moves land, by status name (each: its state's default if not said).
SYSTEM_MOVES = obj(
    {"escalation": text(60), "reply": text(60), "wake": text(60), "snooze": text(60)}
)
TRANSITION = obj(
    {"from": text(60), "to": list_of(text(60), minItems=1, uniqueItems=True)}, ("from", "to")
)
FIELD = obj(
    {
        "key": KEY,
        "label": text(120),
        "type": {"enum": [value for value, _ in FieldType.choices]},
        "required": {"type": "boolean"},
        "choices": list_of(text(120), minItems=1, uniqueItems=True),
        "pattern": text(200),
        "help": {"type": "string", "maxLength": 200},
    },
    ("key", "label", "type"),
)
SLA_TARGET = obj(
    {
        "priority": PRIORITY,
        "first_response_minutes": MINUTES,
        "next_response_minutes": MINUTES,
        "resolution_minutes": MINUTES,
    },
    ("priority",),
)
SLA_POLICY = obj(
    {
        "name": text(120),
        "default": {"type": "boolean"},
        "every_ticket": {"type": "boolean"},
        "business_hours": {"type": "boolean"},
        "warning_percent": {"type": "integer", "minimum": 1, "maximum": 99},
        "match": obj(
            {
                "topics": list_of(text(60)),
                "customer_tiers": list_of(text(30)),
                "segments": list_of(text(60)),
                "channels": list_of(text(30)),
            }
        ),
        "pause_statuses": list_of(text(60), uniqueItems=True),
        "ladder": text(120),
        "targets": list_of(SLA_TARGET, minItems=1),
    },
    ("name", "targets"),
)
LADDER = obj(
    {
        "name": text(120),
        "description": {"type": "string"},
        "repeat": {"type": "integer", "minimum": 0, "maximum": 10},
        "levels": list_of(
            obj(
                {
                    "name": text(80),
                    "after_minutes": MINUTES,
                    "when": {"enum": [value for value, _ in ClimbWhen.choices]},
                    "to_team": TEAM_REF,
                    "to_tier": {"enum": [value for value, _ in Tier.choices]},
                    "raise_priority": {"type": "boolean"},
                    "notify": list_of(text(160)),
                },
                ("name", "after_minutes"),
            ),
            minItems=1,
        ),
    },
    ("name", "levels"),
)
ESCALATION_POLICY = obj(
    {
        "name": text(120),
        "categories": list_of(text(60), uniqueItems=True),
        "default": {"type": "boolean"},
        "always_human": {"type": "boolean"},
        "min_confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "sentiment_floor": {"type": "number", "minimum": -1, "maximum": 1},
        "keywords": list_of(text(80)),
        "customer_tiers": list_of(text(30)),
        "required_fields": list_of(KEY),
        "check_field_formats": {"type": "boolean"},
        "escalate_on_flags": list_of(text(60)),
        "to_team": TEAM_REF,
        "to_tier": {"enum": [value for value, _ in Tier.choices]},
    },
    ("name",),
)
RULE = obj(
    {
        "name": text(160),
        "description": {"type": "string"},
        "triggers": list_of({"enum": list(TRIGGERS)}, minItems=1, uniqueItems=True),
        "wait_minutes": MINUTES,
        "condition": {"type": "object"},
        "actions": list_of({"type": "object"}, minItems=1),
        "active": {"type": "boolean"},
    },
    ("name", "triggers", "actions"),
)
RACI = obj(
    {
        "roles": list_of(text(120), minItems=1, uniqueItems=True),
        "activities": list_of(
            obj(
                {
                    "name": text(160),
                    "escalation_level": {"type": "integer", "minimum": 1, "maximum": 10},
                    "ai": {"enum": ["does", "assists", "none"]},
                    "human_review": {"type": "boolean"},
                    "assignments": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {
                            "type": "string",
                            "pattern": r"^(?!.*(.).*\1)[RACI]{1,4}$",
                        },
                    },
                },
                ("name", "assignments"),
            ),
            minItems=1,
        ),
    },
    ("roles", "activities"),
)
TEMPLATE = obj(
    {
        "format": {"const": FORMAT},
        "slug": text(60, pattern=r"^[a-z0-9][a-z0-9-]*$"),
        "version": {"type": "integer", "minimum": 1},
        "position": {"type": "integer", "minimum": 1, "maximum": 999},
        "name": text(120),
        "category": text(60),
        "audience": text(300),
        "description": text(4000),
        "workspace": obj(
            {
                "time_zone": text(64),
                "human_request_phrases": list_of(text(120)),
                "escalation_summary_required": {"type": "boolean"},
            }
        ),
        "teams": list_of(TEAM, minItems=1),
        "statuses": list_of(STATUS, maxItems=MAX_STATUSES),
        "status_transitions": list_of(TRANSITION),
        "system_moves": SYSTEM_MOVES,
        "fields": list_of(FIELD),
        "sla_policies": list_of(SLA_POLICY),
        "ladders": list_of(LADDER),
        "escalation_policies": list_of(ESCALATION_POLICY),
        "rules": list_of(RULE),
        "raci": RACI,
        "documents": list_of(DOCUMENT),
    },
    ("format", "slug", "version", "name", "category", "audience", "description", "teams"),
)
_VALIDATOR = Draft202012Validator(TEMPLATE)


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the file)"


def template_problems(spec: Any) -> list[str]:
    """Every problem with a template spec, each as `field: what is wrong` (empty: loadable)."""
    errors = sorted(_VALIDATOR.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        return [f"{_path(e.absolute_path)}: {e.message}" for e in errors]

    return cross_checks(spec)


def template_check(spec: Any, *, source: str) -> None:
    problems = template_problems(spec)
    if problems:
        raise TemplateError("; ".join(f"{source}: {problem}" for problem in problems))
