"""Building blocks of the template format's JSON Schema, and the shapes of the documents a
template may carry (incident action plan, communication plan, escalation matrix, procedure,
checklist, integration chain, change process)."""

from escalations.tickets.models import Priority

PRIORITIES = {label.lower(): value for value, label in Priority.choices}
DOCUMENT_KINDS = (
    "incident_action_plan",
    "communication_plan",
    "escalation_matrix",
    "procedure",
    "checklist",
    "integration_chain",
    "change_process",
)


def text(max_length: int | None = None, **extra) -> dict:
    schema = {"type": "string", "minLength": 1, **extra}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def obj(properties: dict, required: tuple = (), **extra) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


def list_of(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


KEY = text(60, pattern=r"^[a-z0-9][a-z0-9_-]*$")
REQUEST_TYPE = {"enum": ["service_request", "incident", "change"]}
# Where a process asks for its sign-offs, and the statuses a ticket enters only with all of them.
GATES = {
    "open_status": text(60),
    "gated_statuses": list_of(text(60), uniqueItems=True),
    # Entering one of these asks for every sign-off again (re-approval).
    "reopen_statuses": list_of(text(60), uniqueItems=True),
    # A custom field holding the request type when a ticket has no topic.
    "type_field": KEY,
}
MINUTES = {"type": "integer", "minimum": 1, "maximum": 525_600}
TEAM_REF = KEY  # a team's key in the same file
PRIORITY = {"enum": list(PRIORITIES)}

CONTACT = obj(
    {
        "name": text(120),
        "role": text(120),
        "team": TEAM_REF,
        "channel": {"enum": ["email", "phone", "sms", "chat", "pager", "status_page", "meeting"]},
        "address": {"type": "string", "maxLength": 200},
    },
    ("name", "channel"),
)
DOCUMENTS = {
    "incident_action_plan": {
        "sections": list_of(text(120), minItems=1, uniqueItems=True),
        "approval_required": {"type": "boolean"},
        "operational_period_hours": {"type": "integer", "minimum": 1, "maximum": 72},
        "priorities": list_of(text(200)),
        "responsibilities": list_of(obj({"role": text(120), "duty": text(300)}, ("role", "duty"))),
        "next_actions": list_of(text(300)),
    },
    "communication_plan": {
        "critical_incident": text(1000),
        "contacts": list_of(CONTACT, minItems=1),
        "steps": list_of(
            obj(
                {"action": text(300), "owner": text(120), "within_minutes": MINUTES},
                ("action",),
            ),
            minItems=1,
        ),
        "update_every_minutes": {"type": "integer", "minimum": 5, "maximum": 1440},
        "update_channels": list_of(CONTACT["properties"]["channel"], minItems=1),
    },
    "escalation_matrix": {
        "severities": list_of(text(40), minItems=1, uniqueItems=True),
        "levels": list_of(text(80), minItems=1, uniqueItems=True),
        "cells": list_of(
            obj(
                {
                    "level": text(80),
                    "severity": text(40),
                    "contact": text(160),
                    "team": TEAM_REF,
                    "channel": CONTACT["properties"]["channel"],
                    "respond_within_minutes": MINUTES,
                    "highlight": {"enum": ["critical", "high", "medium", "low"]},
                },
                ("level", "severity", "contact", "respond_within_minutes"),
            ),
            minItems=1,
        ),
    },
    "procedure": {
        "purpose": text(2000),
        "scope": text(2000),
        "triggers": list_of(text(300), minItems=1),
        "contacts": list_of(CONTACT),
    },
    "checklist": {
        "severities": list_of(
            {"enum": ["critical", "major", "minor"]}, minItems=1, uniqueItems=True
        ),
        "error_types": list_of(
            obj(
                {
                    "key": KEY,
                    "label": text(120),
                    "severity": {"enum": ["critical", "major", "minor"]},
                },
                ("key", "label", "severity"),
            ),
            minItems=1,
        ),
        "items": list_of(obj({"text": text(300), "error_type": KEY}, ("text",)), minItems=1),
        "escalate_on": obj(
            {
                "error_types": list_of(KEY, uniqueItems=True),
                "recurrences": {"type": "integer", "minimum": 2, "maximum": 1000},
                "within_hours": {"type": "integer", "minimum": 1, "maximum": 720},
                "to_team": TEAM_REF,
            },
            ("to_team",),
        ),
        "approval": obj(
            {"step": text(120), "owner_team": TEAM_REF, **GATES},
            ("step", "owner_team", "open_status", "gated_statuses"),
        ),
    },
    "integration_chain": {
        "task_types": list_of(
            {"enum": ["data", "system", "process"]}, minItems=1, uniqueItems=True
        ),
        "checkpoints": list_of(
            obj(
                {"system": text(120), "owner_team": TEAM_REF, "confirms": text(300)},
                ("system", "owner_team"),
            ),
            minItems=2,
        ),
        "flags": list_of({"enum": ["api_error", "data_conflict", "sync_delay"]}, uniqueItems=True),
        **GATES,
    },
    "change_process": {
        "request_types": list_of(REQUEST_TYPE, minItems=1, uniqueItems=True),
        "steps": list_of(
            obj(
                {
                    "name": text(80),
                    "owner_team": TEAM_REF,
                    "approval": {"type": "boolean"},
                    "request_types": list_of(REQUEST_TYPE, minItems=1, uniqueItems=True),
                },
                ("name", "owner_team"),
            ),
            minItems=2,
        ),
        **GATES,
        "impact": list_of(text(40), minItems=2, uniqueItems=True),
        "urgency": list_of(text(40), minItems=2, uniqueItems=True),
        "priority_matrix": list_of(list_of(PRIORITY, minItems=2), minItems=2),
    },
}
DOCUMENT = {
    "type": "object",
    "required": ["kind", "title"],
    "properties": {"kind": {"enum": list(DOCUMENT_KINDS)}},
    "allOf": [
        {
            "if": {"properties": {"kind": {"const": kind}}},
            "then": obj(
                {
                    "kind": {"const": kind},
                    "title": text(160),
                    "summary": {"type": "string"},
                    **fields,
                },
                ("kind", "title"),
            ),
        }
        for kind, fields in DOCUMENTS.items()
    ],
}
