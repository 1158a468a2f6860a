"""Reads for the catalog pages."""

from dataclasses import dataclass

from django.db.models import QuerySet

from escalations.tickets.models import TicketStatus, Tier, Workspace
from templates_catalog.models import WorkflowTemplate

_DOCUMENT_KINDS = {
    "incident_action_plan": "Incident action plan",
    "communication_plan": "Communication plan",
    "escalation_matrix": "Escalation matrix",
    "procedure": "Escalation procedure",
    "checklist": "Quality checklist",
    "integration_chain": "Integration hand-over chain",
    "change_process": "Change and approval process",
}


@dataclass(frozen=True)
class PreviewSection:
    title: str
    items: tuple[str, ...]


def teams_without_agents(workspace: Workspace) -> list[str]:
    """The names of the workspace's teams that nobody is a member of yet, in name order."""
    teams = workspace.teams.filter(memberships__isnull=True).order_by("name")
    return list(teams.values_list("name", flat=True))


def template_catalog() -> QuerySet[WorkflowTemplate]:
    """The catalog as it is shown: by position, then name."""
    return WorkflowTemplate.objects.order_by("position", "name")


def template_preview(spec: dict) -> list[PreviewSection]:
    """What instantiating the template creates, section by section, in words."""
    tiers = dict(Tier.choices)
    states = dict(TicketStatus.choices)
    sections = [
        (
            "Teams",
            [
                f"{t['name']} ({tiers[t['tier']]}"
                + (", escalation target" if t.get("escalation_target") else "")
                + ")"
                for t in spec["teams"]
            ],
        ),
        ("Statuses", [f"{s['name']} → {states[s['lifecycle']]}" for s in spec.get("statuses", [])]),
        (
            "Allowed status moves",
            [f"{m['from']} → {', '.join(m['to'])}" for m in spec.get("status_transitions", [])],
        ),
        ("Custom fields", [f"{f['label']} ({f['type']})" for f in spec.get("fields", [])]),
        (
            "SLA policies",
            [
                f"{p['name']}: "
                + ", ".join(
                    f"{t['priority']} {t.get('first_response_minutes', '—')}/"
                    f"{t.get('resolution_minutes', '—')} min"
                    for t in p["targets"]
                )
                for p in spec.get("sla_policies", [])
            ],
        ),
        (
            "Escalation ladders",
            [
                f"{ladder['name']}: " + " → ".join(level["name"] for level in ladder["levels"])
                for ladder in spec.get("ladders", [])
            ],
        ),
        ("AI escalation policies", [p["name"] for p in spec.get("escalation_policies", [])]),
        ("Rules", [r["name"] for r in spec.get("rules", [])]),
    ]
    raci = spec.get("raci")
    if raci:
        sections.append(
            (
                "RACI matrix",
                [f"{len(raci['activities'])} activities, {len(raci['roles'])} roles"],
            )
        )
    teams = {t["key"]: t["name"] for t in spec["teams"]}
    sections.append(
        (
            "Steps and sign-offs",
            [
                f"{d['title']}: "
                + " → ".join(
                    f"{step.get('name') or step['system']} ({teams[step['owner_team']]}"
                    + (
                        ", signs off"
                        if d["kind"] == "integration_chain" or step.get("approval")
                        else ""
                    )
                    + ")"
                    for step in d.get("steps") or d["checkpoints"]
                )
                for d in spec.get("documents", [])
                if d["kind"] in ("change_process", "integration_chain")
            ],
        )
    )
    sections.append(
        (
            "Documents",
            [f"{_DOCUMENT_KINDS[d['kind']]}: {d['title']}" for d in spec.get("documents", [])],
        )
    )
    return [PreviewSection(title, tuple(items)) for title, items in sections if items]


def template_summary(spec: dict) -> str:
    """One line for the catalog list: how much the template sets up."""
    counts = [
        (len(spec["teams"]), "team"),
        (len(spec.get("statuses", [])), "status"),
        (len(spec.get("fields", [])), "field"),
        (len(spec.get("sla_policies", [])), "SLA policy"),
        (len(spec.get("rules", [])), "rule"),
        (len(spec.get("documents", [])), "document"),
    ]
    plural = {"status": "statuses", "SLA policy": "SLA policies"}
    return ", ".join(
        f"{n} {plural.get(word, word + 's') if n != 1 else word}" for n, word in counts if n
    )
