"""Incident action plans: written by the lead, approved by someone else before they run, and
carried out in operational periods handed over from responder to responder."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django_fsm import can_proceed

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.incidents.models import (
    ActionPlanBlueprint,
    IncidentActionPlan,
    OperationalPeriod,
    PlanResponsibility,
    PlanStatus,
)
from escalations.incidents.models.plans import EDITABLE
from escalations.incidents.selectors import MOVES, REVIEWS, plan_moves, review_refusal
from escalations.tickets.models import Agent, Ticket
from escalations.tickets.services.notifications import notification_send

PLAN_FIELDS = ("title", "situation_summary", "execution_plan", "priorities", "next_actions")
LABELS = {
    "submit": "submit for approval",
    "approve": "approve",
    "request_changes": "request changes",
    "resubmit": "submit again for re-approval",
    "revise": "revise",
}


def _from_blueprint(ticket: Ticket, title: str, fields: dict) -> tuple[str, dict, list]:
    """What the workspace's blueprint fills in where the writer left a part empty: the title,
    the execution plan's section headings, the priorities, next actions, the period's length
    and the roles with their duties."""
    blueprint = ActionPlanBlueprint.objects.filter(workspace=ticket.workspace_id).first()
    if blueprint is None:
        return title, fields, []
    sections = [s for s in blueprint.sections if s.lower() != "situation summary"]
    filled = {
        "execution_plan": "\n\n".join(f"{section}:\n" for section in sections),
        "priorities": list(blueprint.priorities),
        "next_actions": list(blueprint.next_actions),
        "period_hours": blueprint.period_hours,
    }
    for name, value in filled.items():
        if not fields.get(name):
            fields[name] = value
    return title or blueprint.title, fields, blueprint.responsibilities


@ticket_service
def plan_create(*, ticket: Ticket, title: str, actor: Actor, **fields) -> IncidentActionPlan:
    """A new plan, in draft; parts left empty start from the workspace's blueprint."""
    title, fields, duties = _from_blueprint(ticket, title, dict(fields))
    plan = IncidentActionPlan(ticket=ticket, title=title, created_by=actor.user, **fields)
    plan.full_clean(exclude=["status"])
    plan.save()
    PlanResponsibility.objects.bulk_create(
        PlanResponsibility(plan=plan, role=duty["role"], duty=duty["duty"]) for duty in duties
    )
    _event(plan, actor, "", PlanStatus.DRAFT, "Plan written.")
    return plan


@ticket_service
def plan_update(*, plan: IncidentActionPlan, changes: dict, actor: Actor) -> IncidentActionPlan:
    """Edit the plan; only while it is a draft or sent back (an approved plan is revised)."""
    locked = IncidentActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status not in EDITABLE:
        raise IllegalTransition(
            f"The plan is {locked.get_status_display()}: it changes only as a draft or when "
            "changes are requested (revise an approved plan first).",
            current=locked.status,
            allowed=plan_moves(locked),
        )
    unknown = set(changes) - set(PLAN_FIELDS) - {"period_hours"}
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This cannot be edited here."))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["status"])
    locked.save(update_fields=list(changes))
    return locked


@ticket_service
def plan_transition(
    *, plan: IncidentActionPlan, move: str, actor: Actor, note: str = ""
) -> IncidentActionPlan:
    """Move the plan through its approval; approvals need the right and a second person."""
    if move not in MOVES:
        raise IllegalTransition(f"There is no step {move!r}.", current=plan.status, allowed=[])
    locked = IncidentActionPlan.objects.select_for_update().get(pk=plan.pk)
    if move in REVIEWS:
        refusal = review_refusal(locked, actor.user)
        if refusal is not None:
            raise IllegalTransition(str(refusal), current=locked.status, allowed=plan_moves(locked))
        if move == "request_changes" and not note.strip():
            raise ValidationError({"note": "Say what must change."})
    method = getattr(locked, move)
    if not can_proceed(method):
        raise IllegalTransition(
            f"The plan is {locked.get_status_display()}: it cannot {LABELS[move]}.",
            current=locked.status,
            allowed=plan_moves(locked),
        )
    before = locked.status
    method()
    fields = ["status"]
    if move in REVIEWS:
        locked.review_note = note.strip()
        fields.append("review_note")
    if move == "approve":
        locked.approved_by, locked.approved_at = actor.user, clock.now()
        fields += ["approved_by", "approved_at"]
    locked.save(update_fields=fields)
    _event(locked, actor, before, locked.status, note.strip())
    return locked


def _event(plan, actor, before, after, reason) -> None:
    event_record(
        ticket=plan.ticket,
        event_type=EventType.PLAN_STATUS_CHANGED,
        actor=actor,
        from_value=PlanStatus(before).label if before else "",
        to_value=PlanStatus(after).label,
        reason=reason,
        data={"plan": plan.pk, "title": plan.title},
    )


@ticket_service
def period_start(
    *, plan: IncidentActionPlan, responder: Agent, actor: Actor, starts_at=None
) -> OperationalPeriod:
    """The first operational period under an approved plan."""
    locked = IncidentActionPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != PlanStatus.APPROVED:
        raise IllegalTransition(
            "Operational periods run under an approved plan.",
            current=locked.status,
            allowed=plan_moves(locked),
        )
    if locked.periods.filter(handed_over_at=None).exists():
        raise ValidationError({"responder": "A period is running: hand it over instead."})
    return _period(locked, responder, starts_at or clock.now())


def _period(plan, responder: Agent, starts_at) -> OperationalPeriod:
    number = (plan.periods.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return OperationalPeriod.objects.create(
        plan=plan,
        number=number,
        responder=responder,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=plan.period_hours),
    )


@ticket_service
def period_hand_over(
    *, period: OperationalPeriod, to: Agent, note: str, actor: Actor
) -> OperationalPeriod:
    """The responder hands over to the next one, with a note; the next period starts now."""

    locked = OperationalPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if locked.handed_over_at is not None:
        raise ValidationError({"period": f"Period {locked.number} was handed over already."})
    if not note.strip():
        raise ValidationError({"note": "Write the hand-over: what stands, what is next."})
    if to.pk == locked.responder_id:
        raise ValidationError({"to": "Hand over to someone else."})
    now = clock.now()
    locked.handed_over_at, locked.handover_note = now, note.strip()
    locked.save(update_fields=["handed_over_at", "handover_note"])
    following = _period(locked.plan, to, now)
    event_record(
        ticket=locked.plan.ticket,
        event_type=EventType.PLAN_HANDED_OVER,
        actor=actor,
        from_value=str(locked.responder),
        to_value=str(to),
        reason=note.strip(),
        data={"plan": locked.plan_id, "from_period": locked.number, "to_period": following.number},
    )
    notification_send(
        ticket=locked.plan.ticket,
        recipients=[to.user],
        message=f"You take over {locked.plan.title} (period {following.number}, until "
        f"{following.ends_at:%Y-%m-%d %H:%M}). Hand-over from {locked.responder}: "
        f"{note.strip()}",
        actor=actor,
        source="plan",
    )
    return following
