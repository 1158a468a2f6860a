"""Work processes on tickets: the sign-offs a ticket needs are asked for when it enters its
process's opening status, given or refused by a member of each step's owner team, and checked
before the ticket enters a gated status (an ITSM change is not implemented before the CAB
approves it; a hand-over is not completed before every checkpoint is confirmed)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition, SignOffMissing
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.governance.models import ProcessKind, SignOffState, StepSignOff
from escalations.governance.selectors import Process, gate_waits, may_sign, processes_of
from escalations.tickets.models import TeamMembership, Ticket, TicketStatus
from escalations.tickets.services.notifications import notification_send
from escalations.tickets.workflow import Status

ERR_NOT_AN_OWNER = gettext_lazy("Only a member of {team} may sign off {step}.")


def process_gate(ticket: Ticket, status: Status) -> None:
    """Refuse the move into a gated status while a sign-off the ticket needs is missing; on
    a move that goes ahead, the sign-offs it went ahead on are used up."""
    waits = gate_waits(ticket, status)
    for process, _steps, missing in waits:
        if missing:
            raise SignOffMissing(
                gettext(
                    "Ticket {ref} cannot be {status} yet: {process} still needs {steps}."
                ).format(
                    ref=ticket.reference,
                    status=status.name,
                    process=process.title,
                    steps="; ".join(
                        gettext("{step} (by {team})").format(step=s.name, team=s.team_name)
                        for s in missing
                    ),
                ),
                current=status,
                allowed=[],
            )
    for _process, steps, _missing in waits:
        StepSignOff.objects.filter(
            ticket=ticket, step__in=[s.id for s in steps], used_at=None
        ).update(used_at=clock.now())


def process_status_entered(ticket: Ticket, status: Status, actor: Actor) -> None:
    """The ticket entered a status: the processes that open there ask for their sign-offs."""
    for process in processes_of(ticket.workspace_id):
        if status.id in process.reopen_ids:
            sign_offs_ask(ticket=ticket, process=process, actor=actor, again=True)
        elif process.open_status_id == status.id:
            sign_offs_ask(ticket=ticket, process=process, actor=actor)


def sign_offs_ask(
    *, ticket: Ticket, process: Process, actor: Actor, again: bool = False
) -> list[StepSignOff]:
    """Ask each owner for the sign-offs the ticket needs. A refused one is asked for again, and
    so is one the ticket already went ahead on (re-approval); one given and not yet used
    stands, unless the ticket came back for approval (`again`: a re-approval status)."""
    steps = process.steps_for(ticket)
    if not steps:
        return []
    existing = {
        s.step_id: s
        for s in StepSignOff.objects.filter(ticket=ticket, step__in=[s.id for s in steps])
    }
    asked = []
    for step in steps:
        sign_off = existing.get(step.id)
        if sign_off is None:
            sign_off = StepSignOff.objects.create(ticket=ticket, step_id=step.id)
        elif again or sign_off.state == SignOffState.REJECTED or sign_off.used_at is not None:
            sign_off.state, sign_off.asked_at = SignOffState.PENDING, clock.now()
            sign_off.decided_by = sign_off.decided_at = sign_off.used_at = None
            sign_off.save()
        else:
            continue
        asked.append((step, sign_off))
    if not asked:
        return []
    event_record(
        ticket=ticket,
        event_type=EventType.SIGN_OFF_ASKED,
        actor=actor,
        to_value=", ".join(step.name for step, _ in asked)[:250],
        data={"process": process.title, "steps": [step.id for step, _ in asked]},
    )

    staffed = set(
        TeamMembership.objects.filter(team__in={step.team_id for step, _ in asked}).values_list(
            "team_id", flat=True
        )
    )
    for team_slug in dict.fromkeys(step.team_slug for step, _ in asked if step.team_id in staffed):
        names = [step.name for step, _ in asked if step.team_slug == team_slug]
        notification_send(
            ticket=ticket,
            recipients=[f"team:{team_slug}"],
            message=f"Ticket {ticket.reference} needs your sign-off ({', '.join(names)}): "
            f"{ticket.subject}",
            actor=actor,
            source="process",
        )
    return [sign_off for _, sign_off in asked]


@ticket_service
def sign_off_decide(
    *, sign_off: StepSignOff, approve: bool, actor: Actor, note: str = ""
) -> StepSignOff:
    locked = (
        StepSignOff.objects.select_for_update()
        .select_related("step__owner_team")
        .get(pk=sign_off.pk)
    )
    if not may_sign(actor.user, locked):
        raise IllegalTransition(
            ERR_NOT_AN_OWNER.format(team=locked.step.owner_team.name, step=locked.step.name),
            current=locked.state,
            allowed=[],
        )
    if locked.state != SignOffState.PENDING:
        raise IllegalTransition(
            f"{locked.step.name} is already {locked.get_state_display().lower()}; it is asked "
            "for again when the ticket comes back for approval.",
            current=locked.state,
            allowed=[],
        )
    ticket = Ticket.objects.get(pk=locked.ticket_id)
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise IllegalTransition(
            f"Ticket {ticket.reference} is {ticket.get_status_display().lower()}: nothing waits "
            "for this sign-off any more.",
            current=locked.state,
            allowed=[],
        )
    if approve and locked.step.process.kind == ProcessKind.CHAIN:
        earlier = StepSignOff.objects.filter(
            ticket=ticket,
            step__process=locked.step.process_id,
            step__position__lt=locked.step.position,
        ).exclude(state=SignOffState.APPROVED)
        waiting = [s.step.name for s in earlier.select_related("step").order_by("step__position")]
        if waiting:
            raise IllegalTransition(
                f"Confirm the checkpoints in order: {', '.join(waiting)} first.",
                current=locked.state,
                allowed=[],
            )
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why it is refused."})
    locked.state = SignOffState.APPROVED if approve else SignOffState.REJECTED
    locked.decided_by, locked.decided_at, locked.note = actor.user, clock.now(), note.strip()
    locked.save()
    event_record(
        ticket=ticket,
        event_type=EventType.SIGN_OFF_GIVEN if approve else EventType.SIGN_OFF_REFUSED,
        actor=actor,
        to_value=locked.step.name[:250],
        reason=locked.note,
        data={"sign_off": locked.pk, "step": locked.step_id},
    )
    return locked
