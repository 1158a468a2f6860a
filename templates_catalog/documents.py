"""The documents a template brings into a workspace: communication plans, the escalation
procedure, escalation and priority matrices, quality checklists, the incident action plan
blueprint, and work processes (an ITSM
request workflow with its approval steps, an integration chain with its checkpoints)."""

from escalations.ai.models import QualityChecklist, Severity
from escalations.governance.models import (
    EscalationMatrix,
    EscalationMatrixCell,
    PriorityMatrix,
    ProcessKind,
    ProcessStep,
    WorkProcess,
)
from escalations.incidents.models import (
    ActionPlanBlueprint,
    CommunicationPlan,
    ContactChannel,
    EscalationProcedure,
    PlanContact,
    PlanStep,
)


def saved(instance):
    """Checked like a form would, then saved. The foreign keys point at rows this same
    instantiation just made or read, so their existence is not asked of the database again."""
    instance.full_clean(
        exclude=[
            f.name
            for f in instance._meta.concrete_fields
            if f.many_to_one and getattr(instance, f.attname) is not None
        ]
    )
    instance.save()
    return instance


def documents_create(workspace, specs: list[dict], teams: dict, statuses: dict) -> None:
    for item in specs:
        if item["kind"] == "communication_plan":
            _communication_plan(workspace, item, teams)
        elif item["kind"] == "procedure":
            _procedure(workspace, item, teams)
        elif item["kind"] == "escalation_matrix":
            _matrix(workspace, item, teams)
        elif item["kind"] == "change_process":
            _priority_matrix(workspace, item)
            _process(workspace, item, teams, statuses)
        elif item["kind"] == "integration_chain":
            _process(workspace, item, teams, statuses)
        elif item["kind"] == "incident_action_plan":
            saved(
                ActionPlanBlueprint(
                    workspace=workspace,
                    title=item["title"],
                    summary=item.get("summary", ""),
                    sections=item["sections"],
                    period_hours=item.get("operational_period_hours", 12),
                    priorities=item.get("priorities", []),
                    responsibilities=item.get("responsibilities", []),
                    next_actions=item.get("next_actions", []),
                )
            )
        elif item["kind"] == "checklist":
            _checklist(workspace, item, teams)
            if item.get("approval"):
                approval = item["approval"]
                _process(
                    workspace,
                    {
                        "kind": "checklist",
                        "title": f"{item['title']}: approval",
                        "summary": "Flagged items are approved by the owner team before they "
                        "are closed as approved; an item that comes back is approved again.",
                        "request_types": [],
                        "open_status": approval["open_status"],
                        "gated_statuses": approval["gated_statuses"],
                        "reopen_statuses": approval.get("reopen_statuses", []),
                        "steps": [
                            {
                                "name": approval["step"],
                                "owner_team": approval["owner_team"],
                                "approval": True,
                            }
                        ],
                    },
                    teams,
                    statuses,
                )


def _process(workspace, item: dict, teams: dict, statuses: dict) -> None:
    """A request workflow's steps (approval steps need a sign-off), or a chain's checkpoints
    (each confirmed by its owner)."""
    chain = item["kind"] == "integration_chain"
    process = saved(
        WorkProcess(
            workspace=workspace,
            kind=ProcessKind.CHAIN if chain else ProcessKind.REQUEST,
            title=item["title"],
            summary=item.get("summary", ""),
            request_types=[] if chain else item["request_types"],
            task_types=item.get("task_types", []),
            flags=item.get("flags", []),
            open_status=statuses.get(item.get("open_status")),
            type_field=item.get("type_field", ""),
        )
    )
    process.gated_statuses.set(statuses[name] for name in item.get("gated_statuses", []))
    process.reopen_statuses.set(statuses[name] for name in item.get("reopen_statuses", []))
    for position, step in enumerate(item["checkpoints"] if chain else item["steps"], start=1):
        saved(
            ProcessStep(
                process=process,
                position=position,
                name=step["system"] if chain else step["name"],
                owner_team=teams[step["owner_team"]],
                sign_off=True if chain else step.get("approval", False),
                request_types=step.get("request_types", []),
                confirms=step.get("confirms", ""),
            )
        )


def _checklist(workspace, item: dict, teams: dict) -> None:
    """Critical error types escalate at once; those under `escalate_on` when they recur."""
    escalate = item.get("escalate_on") or {}
    saved(
        QualityChecklist(
            workspace=workspace,
            title=item["title"],
            summary=item.get("summary", ""),
            error_types=item["error_types"],
            items=item["items"],
            escalate_at_once=[
                t["key"] for t in item["error_types"] if t["severity"] == Severity.CRITICAL
            ],
            recurring_types=escalate.get("error_types", []),
            recurrences=escalate.get("recurrences"),
            within_hours=escalate.get("within_hours"),
            to_team=teams.get(escalate.get("to_team")),
        )
    )


def _priority_matrix(workspace, item: dict) -> None:
    """Priority from impact and urgency, read from the custom fields whose choices are the
    document's impacts and urgencies (`impact` and `urgency` if none match)."""
    fields = list(workspace.field_definitions.all())

    def key_for(values, fallback):
        return next((f.key for f in fields if f.choices == values), fallback)

    saved(
        PriorityMatrix(
            workspace=workspace,
            impact_field=key_for(item["impact"], "impact"),
            urgency_field=key_for(item["urgency"], "urgency"),
            impacts=item["impact"],
            urgencies=item["urgency"],
            priorities=item["priority_matrix"],
        )
    )


def _matrix(workspace, item: dict, teams: dict) -> None:
    """The matrix; a ticket's severity is read from a custom field whose choices are the
    matrix's severities, if the template has one, else from its priority."""
    source = next(
        (
            f.key
            for f in workspace.field_definitions.all()
            if f.choices and set(f.choices) == set(item["severities"])
        ),
        "priority",
    )
    matrix = saved(
        EscalationMatrix(
            workspace=workspace,
            title=item["title"],
            summary=item.get("summary", ""),
            severities=item["severities"],
            levels=item["levels"],
            severity_source=source,
        )
    )
    for cell in item["cells"]:
        saved(
            EscalationMatrixCell(
                matrix=matrix,
                level=cell["level"],
                severity=cell["severity"],
                contact=cell["contact"],
                team=teams.get(cell.get("team")),
                channel=cell.get("channel", ""),
                respond_within_minutes=cell["respond_within_minutes"],
                highlight=cell.get("highlight", ""),
            )
        )


def _procedure(workspace, item: dict, teams: dict) -> None:
    channels = dict(ContactChannel.choices)
    saved(
        EscalationProcedure(
            workspace=workspace,
            title=item["title"],
            purpose=item["purpose"],
            scope=item["scope"],
            triggers=item["triggers"],
            contacts=[
                {
                    "name": c["name"],
                    "role": c.get("role") or (teams[c["team"]].name if c.get("team") else ""),
                    "team": teams[c["team"]].slug if c.get("team") else "",
                    "channel": channels[c["channel"]],
                    "address": c.get("address", ""),
                }
                for c in item.get("contacts", [])
            ],
        )
    )


def _communication_plan(workspace, item: dict, teams: dict) -> None:
    plan = CommunicationPlan(
        workspace=workspace,
        title=item["title"],
        critical_incident=item["critical_incident"],
        update_channels=item.get("update_channels", []),
    )
    if item.get("update_every_minutes"):
        plan.update_every_minutes = item["update_every_minutes"]
    saved(plan)
    for position, contact in enumerate(item["contacts"], start=1):
        saved(
            PlanContact(
                plan=plan,
                position=position,
                name=contact["name"],
                role=contact.get("role", ""),
                team=teams.get(contact.get("team")),
                channel=contact["channel"],
                address=contact.get("address", ""),
            )
        )
    for position, step in enumerate(item["steps"], start=1):
        saved(
            PlanStep(
                plan=plan,
                position=position,
                action=step["action"],
                owner=step.get("owner", ""),
                within_minutes=step.get("within_minutes"),
            )
        )
