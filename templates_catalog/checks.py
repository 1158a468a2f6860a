"""What the template format's JSON Schema cannot say: names that refer to each other, one
Accountable per RACI activity, one default status per lifecycle state, rule conditions and
actions as the rules engine compiles them."""

from types import SimpleNamespace

from escalations.rules.actions import ActionError, validate_actions
from escalations.rules.conditions import ConditionError, compile_condition
from escalations.tickets.lifecycle import transitions
from escalations.tickets.models import FieldType
from escalations.tickets.workflow import (
    LANDING_FIELDS,
    Status,
    SystemMove,
    Workflow,
    workflow_problems,
)


def _lifecycle_steps() -> set[tuple[str, str]]:
    return {(source, target) for source, _, target in transitions()}


def _duplicates(items: list, key: str) -> set:
    seen, twice = set(), set()
    for item in items:
        (twice if item[key] in seen else seen).add(item[key])
    return twice


def cross_checks(spec: dict) -> list[str]:
    problems: list[str] = []
    teams = spec["teams"]
    team_keys = {t["key"] for t in teams}
    statuses = spec.get("statuses", [])
    status_names = {s["name"] for s in statuses}
    fields = spec.get("fields", [])
    field_keys = {f["key"] for f in fields}
    for section, items, key in (
        ("teams", teams, "key"),
        ("statuses", statuses, "name"),
        ("fields", fields, "key"),
        ("sla_policies", spec.get("sla_policies", []), "name"),
        ("ladders", spec.get("ladders", []), "name"),
        ("escalation_policies", spec.get("escalation_policies", []), "name"),
        ("rules", spec.get("rules", []), "name"),
    ):
        for twice in sorted(_duplicates(items, key)):
            problems.append(f"{section}: {twice!r} appears twice")

    def team_ref(where: str, value: str | None) -> None:
        if value is not None and value not in team_keys:
            problems.append(f"{where}: no team {value!r} in this template")

    for i, team in enumerate(teams):
        team_ref(f"teams[{i}].fallback_team", team.get("fallback_team"))
    defaults = [s["lifecycle"] for s in statuses if s.get("default")]
    for twice in sorted({s for s in defaults if defaults.count(s) > 1}):
        problems.append(f"statuses: two defaults for the {twice!r} lifecycle state")
    for i, move in enumerate(spec.get("status_transitions", [])):
        for name in [move["from"], *move["to"]]:
            if name not in status_names:
                problems.append(f"status_transitions[{i}]: no status {name!r} in this template")
    lifecycle = {s["name"]: s["lifecycle"] for s in statuses}
    steps = _lifecycle_steps()
    for i, move in enumerate(spec.get("status_transitions", [])):
        source = lifecycle.get(move["from"])
        for name in move["to"]:
            target = lifecycle.get(name)
            if source and target and source != target and (source, target) not in steps:
                problems.append(
                    f"status_transitions[{i}]: {move['from']} ({source}) cannot move to "
                    f"{name} ({target}) in one lifecycle step"
                )
    for i, field in enumerate(fields):
        kind = field["type"]
        if kind in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not field.get("choices"):
            problems.append(f"fields[{i}].choices: a {kind} field needs its choices")
    ladder_names = {ladder["name"] for ladder in spec.get("ladders", [])}
    for i, policy in enumerate(spec.get("sla_policies", [])):
        if policy.get("ladder") and policy["ladder"] not in ladder_names:
            problems.append(f"sla_policies[{i}].ladder: no ladder {policy['ladder']!r}")
        for name in policy.get("pause_statuses", []):
            if name not in status_names:
                problems.append(f"sla_policies[{i}].pause_statuses: no status {name!r}")
        priorities = [t["priority"] for t in policy["targets"]]
        if len(priorities) != len(set(priorities)):
            problems.append(f"sla_policies[{i}].targets: one target per priority")
    if sum(1 for p in spec.get("sla_policies", []) if p.get("default")) > 1:
        problems.append("sla_policies: at most one default policy")
    for i, ladder in enumerate(spec.get("ladders", [])):
        for j, level in enumerate(ladder["levels"]):
            team_ref(f"ladders[{i}].levels[{j}].to_team", level.get("to_team"))
    for i, policy in enumerate(spec.get("escalation_policies", [])):
        team_ref(f"escalation_policies[{i}].to_team", policy.get("to_team"))
        for key in policy.get("required_fields", []):
            if key not in field_keys:
                problems.append(f"escalation_policies[{i}].required_fields: no field {key!r}")
    if sum(1 for p in spec.get("escalation_policies", []) if p.get("default")) > 1:
        problems.append("escalation_policies: at most one default policy")
    if not problems:  # the graph is checked once its names and steps are right
        problems += _workflow_problems(spec)
    problems += _rule_problems(spec, team_keys, fields)
    problems += _raci_problems(spec.get("raci"))
    for kind in ("procedure", "change_process", "incident_action_plan"):
        if sum(1 for d in spec.get("documents", []) if d["kind"] == kind) > 1:
            problems.append(f"documents: at most one {kind} (a workspace has one)")
    for i, document in enumerate(spec.get("documents", [])):
        problems += [
            f"documents[{i}].{p}" for p in _document_problems(document, team_keys, status_names)
        ]
    return problems


def template_workflow(spec: dict):
    """The workflow a template's statuses and moves make (statuses keyed by their slug)."""
    from django.utils.text import slugify

    statuses = tuple(
        Status(
            slug=slugify(item["name"])[:60],
            name=item["name"],
            state=item["lifecycle"],
            id=position,
            is_default=item.get("default", False),
            from_any=item.get("from_any", False),
            position=position,
        )
        for position, item in enumerate(spec.get("statuses", []), start=1)
    )
    moves = frozenset(
        (slugify(move["from"])[:60], slugify(target)[:60])
        for move in spec.get("status_transitions", [])
        for target in move["to"]
    )
    chosen = spec.get("system_moves") or {}
    landings = {move: slugify(chosen[move])[:60] for move in LANDING_FIELDS if move in chosen}
    return Workflow(statuses=statuses, moves=moves, landings=landings)


def relied_on_moves(spec: dict) -> list[str]:
    """The system moves a template's own configuration makes: escalations (escalation teams,
    ladders, AI policies, rules), customers' replies to waiting tickets, and snoozes."""

    rules = spec.get("rules", [])
    actions = {action.get("type") for rule in rules for action in rule.get("actions", [])}
    escalates = (
        any(t.get("escalation_target") for t in spec["teams"])
        or any(level.get("to_team") for ld in spec.get("ladders", []) for level in ld["levels"])
        or bool(spec.get("escalation_policies"))
        or "escalate" in actions
    )
    moves = [SystemMove.ESCALATION] if escalates else []
    if any(s["lifecycle"] == "pending" for s in spec.get("statuses", [])):
        moves += [SystemMove.REPLY, SystemMove.WAKE]
    if "snooze" in actions:
        moves.append(SystemMove.SNOOZE)
    return moves


def _workflow_problems(spec: dict) -> list[str]:
    """Statuses no ticket reaches, dead ends, landings in the wrong state, and the system moves
    the template relies on that its workflow would not allow from some status."""

    if not spec.get("statuses"):
        return []
    names = {s["name"] for s in spec["statuses"]}
    problems = [
        f"system_moves.{move}: no status {name!r} in this template"
        for move, name in (spec.get("system_moves") or {}).items()
        if name not in names
    ]
    if problems:
        return problems
    workflow = template_workflow(spec)
    return [
        f"workflow: {problem}"
        for problem in workflow_problems(workflow, relied_on=relied_on_moves(spec))
    ]


def _rule_problems(spec: dict, team_keys: set, fields: list) -> list[str]:
    custom = {  # what the rules engine reads of a custom field's definition
        f["key"]: SimpleNamespace(
            field_type=f["type"], label=f["label"], choices=f.get("choices", [])
        )
        for f in fields
    }
    policies = {p["name"] for p in spec.get("sla_policies", [])}
    status_slugs = (
        {s.slug for s in template_workflow(spec).statuses} if spec.get("statuses") else None
    )
    problems = []
    for i, rule in enumerate(spec.get("rules", [])):
        try:
            compile_condition(rule.get("condition") or {}, custom_fields=custom)
        except ConditionError as exc:
            problems.append(f"rules[{i}].condition: {exc}")
        try:
            validate_actions(
                rule["actions"],
                team_slugs=team_keys,
                custom_keys=set(custom),
                sla_policies=policies,
                status_slugs=status_slugs,
            )
        except ActionError as exc:
            problems.append(f"rules[{i}].actions: {exc}")
            continue
        for j, action in enumerate(rule["actions"]):
            value = action.get("value")
            if action.get("type") == "set_status" and status_slugs and value not in status_slugs:
                problems.append(
                    f"rules[{i}].actions[{j}]: set_status names the workflow's statuses by slug "
                    f"({', '.join(sorted(status_slugs))}), not {value!r}"
                )
    return problems


def _raci_problems(raci: dict | None) -> list[str]:
    if not raci:
        return []
    problems = []
    roles = set(raci["roles"])
    for i, activity in enumerate(raci["activities"]):
        where = f"raci.activities[{i}]"
        for role in activity["assignments"]:
            if role not in roles:
                problems.append(f"{where}.assignments: no role {role!r} in raci.roles")
        accountable = sum("A" in letters for letters in activity["assignments"].values())
        if accountable != 1:
            problems.append(
                f"{where}: exactly one Accountable per activity ({activity['name']!r} has "
                f"{accountable})"
            )
        if not any("R" in letters for letters in activity["assignments"].values()):
            problems.append(f"{where}: someone must be Responsible for {activity['name']!r}")
    return problems


def _document_problems(document: dict, team_keys: set, status_names: set) -> list[str]:
    problems = []
    kind = document["kind"]
    approval = document.get("approval") or {}
    gates = [("", document), ("approval.", approval)]
    named = [(f"{at}open_status", part.get("open_status")) for at, part in gates] + [
        (f"{at}{key}[{j}]", name)
        for at, part in gates
        for key in ("gated_statuses", "reopen_statuses")
        for j, name in enumerate(part.get(key, []))
    ]
    for where, name in named:
        if name is not None and name not in status_names:
            problems.append(f"{where}: no status {name!r} in this template")

    def team_ref(where: str, value: str | None) -> None:
        if value is not None and value not in team_keys:
            problems.append(f"{where}: no team {value!r} in this template")

    if approval:
        team_ref("approval.owner_team", approval["owner_team"])

    for i, contact in enumerate(document.get("contacts", [])):
        team_ref(f"contacts[{i}].team", contact.get("team"))
    if kind == "escalation_matrix":
        levels, severities = set(document["levels"]), set(document["severities"])
        seen = set()
        for i, cell in enumerate(document["cells"]):
            if cell["level"] not in levels:
                problems.append(f"cells[{i}].level: no level {cell['level']!r}")
            if cell["severity"] not in severities:
                problems.append(f"cells[{i}].severity: no severity {cell['severity']!r}")
            if (cell["level"], cell["severity"]) in seen:
                problems.append(
                    f"cells[{i}]: level {cell['level']!r} with severity {cell['severity']!r} "
                    "appears twice"
                )
            seen.add((cell["level"], cell["severity"]))
            team_ref(f"cells[{i}].team", cell.get("team"))
        missing = [
            f"{level} with {severity}"
            for level in document["levels"]
            for severity in document["severities"]
            if (level, severity) not in seen
        ]
        if missing:
            problems.append(
                f"cells: every level meets every severity; missing {', '.join(missing)}"
            )
    elif kind == "checklist":
        types = {t["key"] for t in document["error_types"]}
        for i, item in enumerate(document["items"]):
            if item.get("error_type") and item["error_type"] not in types:
                problems.append(f"items[{i}].error_type: no error type {item['error_type']!r}")
        escalate = document.get("escalate_on")
        if escalate:
            team_ref("escalate_on.to_team", escalate["to_team"])
            for key in escalate.get("error_types", []):
                if key not in types:
                    problems.append(f"escalate_on.error_types: no error type {key!r}")
    elif kind == "integration_chain":
        for i, checkpoint in enumerate(document["checkpoints"]):
            team_ref(f"checkpoints[{i}].owner_team", checkpoint["owner_team"])
    elif kind == "change_process":
        for i, step in enumerate(document["steps"]):
            team_ref(f"steps[{i}].owner_team", step["owner_team"])
        impact, urgency = document["impact"], document["urgency"]
        matrix = document["priority_matrix"]
        if len(matrix) != len(impact) or any(len(row) != len(urgency) for row in matrix):
            problems.append(
                f"priority_matrix: one row per impact ({len(impact)}), one column per urgency "
                f"({len(urgency)})"
            )
    return problems
