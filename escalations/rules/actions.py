"""Rule actions: validated at save time into plain dicts the rules service applies in order.

An action is ``{"type": ..., "value": ..., "detail": ...}``; each type says what its value
means. `validate_actions` returns the normalised list or raises ActionError naming the row.
"""

import re
from dataclasses import dataclass
from typing import Any

from escalations.tickets.models import Priority, TicketStatus, Tier

MAX_ACTIONS = 25
_PRIORITIES = {p.name.lower(): int(p.value) for p in Priority}
_TIERS = {t.label.lower(): int(t.value) for t in Tier}


class ActionError(ValueError):
    pass


@dataclass(frozen=True)
class ActionType:
    label: str
    value_help: str


ACTION_TYPES: dict[str, ActionType] = {
    "set_status": ActionType(
        "Set status", "the workspace status's slug, e.g. in-review (the workflow must allow it)"
    ),
    "set_priority": ActionType("Set priority", "low, normal, high or urgent"),
    "raise_priority": ActionType("Raise priority one step", "(no value)"),
    "add_tags": ActionType("Add tags", "comma-separated tags"),
    "remove_tags": ActionType("Remove tags", "comma-separated tags"),
    "set_team": ActionType("Set team", "the team's slug"),
    "set_assignee": ActionType(
        "Set assignee", "an agent's login, 'strategy' (by the team's strategy) or 'nobody'"
    ),
    "set_tier": ActionType("Set tier", "L1, L2 or L3"),
    "set_custom_field": ActionType("Set a custom field", "key=value"),
    "escalate": ActionType(
        "Escalate", "the receiving team's slug; detail: the summary for the receiving team"
    ),
    "add_note": ActionType("Add an internal note", "(detail: the note)"),
    "apply_sla_policy": ActionType("Apply an SLA policy", "the policy's name"),
    "snooze": ActionType("Snooze for", "a duration: 30m, 4h, 2d"),
    "notify": ActionType(
        "Notify", "logins, team:<slug> or 'assignee', comma-separated; detail: the message"
    ),
    "send_webhook": ActionType(
        "Send a webhook", "the integration's name; detail: the path, e.g. /hooks/handoff"
    ),
}


def validate_actions(
    actions: Any, *, team_slugs=None, custom_keys=None, sla_policies=None, status_slugs=None
) -> list[dict]:
    """Normalise a rule's actions; `team_slugs`, `custom_keys`, `sla_policies` (names) and
    `status_slugs` (the workflow's statuses) check references if given."""
    if actions in (None, ""):
        return []
    if not isinstance(actions, list):
        raise ActionError("actions must be a list")
    if len(actions) > MAX_ACTIONS:
        raise ActionError(f"a rule has at most {MAX_ACTIONS} actions")
    return [
        _validate(action, index, team_slugs, custom_keys, sla_policies, status_slugs)
        for index, action in enumerate(actions, start=1)
    ]


def _validate(
    action: Any, index: int, team_slugs, custom_keys, sla_policies=None, status_slugs=None
) -> dict:
    where = f"action {index}"
    if not isinstance(action, dict):
        raise ActionError(f"{where}: expected an object with a type")
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        raise ActionError(f"{where}: there is no action {kind!r}")
    value = action.get("value", "")
    detail = str(action.get("detail", "") or "").strip()
    value = value.strip() if isinstance(value, str) else value
    where = f"{where} ({ACTION_TYPES[kind].label})"
    try:
        normalised = _normalise(
            kind,
            value,
            detail,
            team_slugs,
            custom_keys,
            normalised_key=action.get("key"),
            sla_policies=sla_policies,
            status_slugs=status_slugs,
        )
    except ValueError as exc:
        raise ActionError(f"{where}: {exc}") from None
    return {"type": kind, **normalised}


def _normalise(
    kind,
    value,
    detail,
    team_slugs,
    custom_keys,
    *,
    normalised_key=None,
    sla_policies=None,
    status_slugs=None,
) -> dict:
    if kind == "set_status":
        if value in (TicketStatus.NEW, TicketStatus.ESCALATED):
            raise ValueError(f"{value!r} cannot be set by a rule (escalate escalates)")
        known = sorted(status_slugs) if status_slugs is not None else TicketStatus.values
        if value not in known:
            raise ValueError(f"the workflow has no status {value!r} ({', '.join(known)})")
        return {"value": value}
    if kind == "set_priority":
        if value in _PRIORITIES.values():
            return {"value": value}  # already normalised
        if str(value).lower() not in _PRIORITIES:
            raise ValueError(f"{value!r} is not one of {', '.join(_PRIORITIES)}")
        return {"value": _PRIORITIES[str(value).lower()]}
    if kind == "raise_priority":
        return {}
    if kind in ("add_tags", "remove_tags"):
        items = value if isinstance(value, list) else str(value).split(",")
        tags = [str(t).strip().lower() for t in items if str(t).strip()]
        if not tags:
            raise ValueError("name one or more tags")
        return {"value": sorted(set(tags))}
    if kind in ("set_team", "escalate"):
        if not value:
            raise ValueError("name the team by its slug")
        if team_slugs is not None and value not in team_slugs:
            raise ValueError(f"the workspace has no team {value!r}")
        return {"value": value, "detail": detail} if kind == "escalate" else {"value": value}
    if kind == "set_assignee":
        if not value:
            raise ValueError("name the agent's login, 'strategy' or 'nobody'")
        return {"value": str(value)}
    if kind == "set_tier":
        if value in _TIERS.values():
            return {"value": value}
        if str(value).lower() not in _TIERS:
            raise ValueError(f"{value!r} is not one of L1, L2, L3")
        return {"value": _TIERS[str(value).lower()]}
    if kind == "set_custom_field":
        if normalised_key:
            value = f"{normalised_key}={value}"
        match = re.fullmatch(r"\s*([a-z][a-z0-9_]*)\s*=(.*)", str(value))
        if not match:
            raise ValueError("write key=value, e.g. escalation_reason=VIP customer")
        key, field_value = match.group(1), match.group(2).strip()
        if custom_keys is not None and key not in custom_keys:
            raise ValueError(f"the workspace has no custom field {key!r}")
        return {"key": key, "value": field_value}
    if kind == "apply_sla_policy":
        if not value:
            raise ValueError("name the SLA policy")
        if sla_policies is not None and value not in sla_policies:
            raise ValueError(f"the workspace has no SLA policy {value!r}")
        return {"value": str(value)}
    if kind == "add_note":
        if not detail:
            raise ValueError("write the note")
        return {"detail": detail}
    if kind == "snooze":
        minutes = value if isinstance(value, int) else _minutes(str(value))
        return {"value": minutes}
    if kind == "notify":
        items = value if isinstance(value, list) else str(value).split(",")
        recipients = [str(r).strip() for r in items if str(r).strip()]
        if not recipients:
            raise ValueError("name who to notify: logins, team:<slug> or assignee")
        for recipient in recipients:
            team = recipient.removeprefix("team:") if recipient.startswith("team:") else None
            if team is not None and team_slugs is not None and team not in team_slugs:
                raise ValueError(f"the workspace has no team {team!r}")
        return {"value": recipients, "detail": detail}
    if kind == "send_webhook":
        if not value:
            raise ValueError("name the integration")
        path = detail or "/"
        if not path.startswith("/") or path.startswith("//"):
            raise ValueError("the path must start with a single '/'")
        return {"value": str(value), "detail": path}
    raise ValueError(f"unsupported action {kind!r}")


_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}
MAX_SNOOZE_MINUTES = 90 * 1440


def _minutes(text: str) -> int:
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30m, 4h or 2d")
    minutes = int(match.group(1)) * _UNIT_MINUTES[match.group(2)]
    if not 0 < minutes <= MAX_SNOOZE_MINUTES:
        raise ValueError("snooze between 1 minute and 90 days")
    return minutes
