"""The demo's governance: the support workspace's RACI matrix, communication plan, escalation
matrix, action plan blueprint, refund approval process and chatbot answer check, and a live
incident run by them (its communication plan started, its action plan awaiting approval).

Made after the played history, as a support manager would set them up on a running queue:
the approval process would otherwise refuse the history's scripted refunds."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from escalations.ai.models import QualityChecklist, Severity
from escalations.ai.services.quality import quality_flags_record
from escalations.core import clock
from escalations.core.actors import Actor
from escalations.governance.models import (
    EscalationMatrix,
    EscalationMatrixCell,
    ProcessKind,
    ProcessStep,
    WorkProcess,
)
from escalations.governance.services.raci import raci_matrix_create
from escalations.incidents.models import (
    ActionPlanBlueprint,
    CommunicationPlan,
    PlanContact,
    PlanStep,
)
from escalations.incidents.services.communications import communication_start, status_update_send
from escalations.incidents.services.plans import plan_create, plan_transition
from escalations.sla.services.timers import timers_fire_until
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    CustomStatus,
    Ticket,
    TicketStatus,
    Workspace,
)
from escalations.tickets.services.directory import directory_save
from escalations.tickets.services.transitions import ticket_move

AI_CHECK = Actor.system("AI first check")


def demo_governance_seed(
    *, workspace: Workspace, spec: dict, teams: dict, agents: dict, now: datetime
) -> None:
    raci = spec["raci"]
    raci_matrix_create(
        workspace=workspace,
        name=raci["name"],
        roles=[{"name": r["name"], "team": teams.get(r.get("team"))} for r in raci["roles"]],
        activities=raci["activities"],
    )
    plan = _communication_plan(workspace, spec["communication_plan"], teams)
    _matrix(workspace, spec["escalation_matrix"], teams)
    directory_save(
        instance=ActionPlanBlueprint(workspace=workspace, **spec["action_plan_blueprint"])
    )
    _process(workspace, spec["work_process"], teams)
    checklist = dict(spec["quality_checklist"])
    checklist["to_team"] = teams.get(checklist["to_team"])
    checklist["escalate_at_once"] = [
        t["key"] for t in checklist["error_types"] if t["severity"] == Severity.CRITICAL
    ]
    directory_save(instance=QualityChecklist(workspace=workspace, **checklist))
    _answers_flagged(workspace, spec["quality_flags"])
    _refund_awaiting_approval(workspace, spec["work_process"], now)
    _incident(workspace, spec["incident"], plan, agents, now)


def _communication_plan(workspace, spec: dict, teams: dict) -> CommunicationPlan:
    fields = {k: v for k, v in spec.items() if k not in ("contacts", "steps")}
    plan = directory_save(instance=CommunicationPlan(workspace=workspace, **fields))
    for position, contact in enumerate(spec["contacts"], start=1):
        contact = {**contact, "team": teams.get(contact.get("team"))}
        directory_save(instance=PlanContact(plan=plan, position=position, **contact))
    for position, step in enumerate(spec["steps"], start=1):
        directory_save(instance=PlanStep(plan=plan, position=position, **step))
    return plan


def _matrix(workspace, spec: dict, teams: dict) -> None:
    fields = {k: v for k, v in spec.items() if k != "cells"}
    matrix = directory_save(instance=EscalationMatrix(workspace=workspace, **fields))
    for cell in spec["cells"]:
        cell = {**cell, "team": teams.get(cell.get("team"))}
        directory_save(instance=EscalationMatrixCell(matrix=matrix, **cell))


def _process(workspace, spec: dict, teams: dict) -> None:
    statuses = {s.slug: s for s in CustomStatus.objects.filter(workspace=workspace)}
    process = directory_save(
        instance=WorkProcess(
            workspace=workspace,
            kind=ProcessKind.REQUEST,
            title=spec["title"],
            summary=spec["summary"],
            request_types=spec["request_types"],
            open_status=statuses[spec["open_status"]],
        )
    )
    process.gated_statuses.set([statuses[slug] for slug in spec["gated_statuses"]])
    for position, step in enumerate(spec["steps"], start=1):
        directory_save(
            instance=ProcessStep(
                process=process,
                position=position,
                name=step["name"],
                owner_team=teams[step["owner_team"]],
                sign_off=step.get("sign_off", False),
            )
        )


@contextmanager
def _played_at(moment: datetime) -> Iterator[None]:
    """A moment after the history: what came due before it fires first, at its due time."""
    timers_fire_until(until=moment)
    with clock.frozen_at(moment):
        yield


def _last_moment(ticket: Ticket) -> datetime:
    return ticket.events.order_by("-created_at").values_list("created_at", flat=True).first()


def _answers_flagged(workspace, flags: list[dict]) -> None:
    """The AI's first check found minor and major slips in a few of the chatbot's answers."""
    for number, spec in enumerate(flags):
        chats = Ticket.objects.filter(workspace=workspace, channel="chat", ai_intent=spec["intent"])
        chat = chats.order_by("-created_at")[number]
        with _played_at(chat.created_at + timedelta(minutes=2)):
            quality_flags_record(
                ticket=chat, flags=spec["flags"], actor=AI_CHECK, may_escalate=False
            )


def _refund_awaiting_approval(workspace, spec: dict, now: datetime) -> None:
    """One open refund waits for Billing's sign-off (it is under their *Sign-offs for me*)."""
    refund = (
        Ticket.objects.filter(
            workspace=workspace,
            topic__in=spec["request_types"],
            status=TicketStatus.OPEN,
            assignee__isnull=False,
        )
        .order_by("-created_at")
        .first()
    )
    if refund is None:
        return
    last = _last_moment(refund)
    with _played_at(last + (now - last) / 2):
        ticket_move(
            ticket=refund,
            to_status=spec["open_status"],
            actor=Actor.for_user(refund.assignee.user),
            reason=spec["waiting_reason"],
        )


def _incident(workspace, spec: dict, plan: CommunicationPlan, agents: dict, now) -> None:
    """The latest live outage is a critical incident: its lead starts the communication plan,
    sends the hourly updates and writes the action plan, which awaits the manager's approval."""
    outage = (
        Ticket.objects.filter(workspace=workspace, topic=spec["topic"], status__in=ACTIVE_STATUSES)
        .order_by("-created_at")
        .first()
    )
    if outage is None:
        return
    lead = agents[spec["lead"]]
    actor = Actor.for_user(lead.user)
    # Recent, whenever the outage began: the updates of the last hours, not days of reminders.
    start = max(_last_moment(outage) + timedelta(minutes=5), now - timedelta(hours=3))
    with _played_at(start):
        communication = communication_start(plan=plan, ticket=outage, owner=lead.user, actor=actor)
    with _played_at(start + timedelta(minutes=20)):
        action_plan = plan_create(ticket=outage, title="", actor=actor, **spec["plan"])
    with _played_at(start + timedelta(minutes=25)):
        plan_transition(plan=action_plan, move="submit", actor=actor)
    for hour, text in enumerate(spec["updates"]):
        at = start + timedelta(minutes=10 + 60 * hour)
        if at >= now:
            break
        with _played_at(at):
            status_update_send(
                communication=communication,
                text=text,
                channels=["status_page", "email"],
                actor=actor,
            )
