"""Running a communication plan for an incident: start it, send status updates, be reminded
at the plan's cadence until the incident is resolved."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.incidents.models import (
    CommunicationPlan,
    ContactChannel,
    IncidentCommunication,
    StatusUpdate,
)
from escalations.incidents.selectors import communication_owners
from escalations.sla.models import Timer, TimerKind, TimerState
from escalations.tickets.models import ACTIVE_STATUSES, Ticket
from escalations.tickets.services.notifications import notification_send

REMINDER_ACTOR = Actor.system("communication plan")
ERR_NOT_AN_OWNER = gettext_lazy(
    "{user} cannot own the plan: its owner signs in to the admin and sends status updates "
    "(a support manager or an agent)."
)


def _key(communication: IncidentCommunication) -> str:
    return f"comms:{communication.pk}"


def _remind_at(communication: IncidentCommunication, due) -> None:
    """The next reminder (the one pending before is replaced)."""
    Timer.objects.filter(
        ticket=communication.ticket_id,
        kind=TimerKind.STATUS_UPDATE,
        key=_key(communication),
        state=TimerState.PENDING,
    ).delete()
    Timer.objects.create(
        ticket_id=communication.ticket_id,
        kind=TimerKind.STATUS_UPDATE,
        key=_key(communication),
        due_at=due,
        next_try_at=due,
    )
    communication.next_update_due_at = due
    communication.save(update_fields=["next_update_due_at"])


def communication_check(*, plan: CommunicationPlan, ticket: Ticket, owner) -> None:
    """Why the plan cannot start for this incident, if it cannot (field errors)."""
    errors = {}
    if plan.workspace_id != ticket.workspace_id:
        errors["plan"] = "The plan belongs to another workspace than the ticket."
    if ticket.status not in ACTIVE_STATUSES:
        errors["ticket"] = f"Ticket {ticket.reference} is no longer active."
    elif IncidentCommunication.objects.filter(plan=plan, ticket=ticket, ended_at=None).exists():
        errors["ticket"] = f"{plan} already runs for {ticket.reference}."
    if not owner.is_active:
        errors["owner"] = f"{owner.get_username()} is not active."
    elif not communication_owners().filter(pk=owner.pk).exists():
        errors["owner"] = ERR_NOT_AN_OWNER.format(user=owner.get_username())
    if errors:
        raise ValidationError(errors)


@ticket_service
def communication_start(
    *, plan: CommunicationPlan, ticket: Ticket, owner, actor: Actor
) -> IncidentCommunication:
    """The incident is critical: the plan runs for it, its owner is told the steps and
    reminded to send a status update every `update_every_minutes` until it is resolved."""

    communication_check(plan=plan, ticket=ticket, owner=owner)
    now = clock.now()
    communication = IncidentCommunication.objects.create(
        plan=plan, ticket=ticket, owner=owner, started_at=now
    )
    _remind_at(communication, now + timedelta(minutes=plan.update_every_minutes))
    event_record(
        ticket=ticket,
        event_type=EventType.COMMUNICATION_STARTED,
        actor=actor,
        to_value=plan.title,
        data={"communication": communication.pk, "owner": owner.get_username()},
    )
    steps = [
        f"{n}. {step.action}"
        + (f" ({step.owner})" if step.owner else "")
        + (f" within {step.within_minutes} min" if step.within_minutes else "")
        for n, step in enumerate(plan.steps.all(), start=1)
    ]
    notification_send(
        ticket=ticket,
        recipients=[owner],
        message=f"{plan.title} started for {ticket.reference}: {ticket.subject}. You send a "
        f"status update every {plan.update_every_minutes} minutes until it is resolved.\n"
        + "\n".join(steps),
        actor=actor,
        source="communication",
    )
    return communication


@ticket_service
def status_update_send(
    *, communication: IncidentCommunication, text: str, channels: list[str], actor: Actor
) -> StatusUpdate:
    """Log a status update as sent; the next reminder counts from now."""
    locked = IncidentCommunication.objects.select_for_update().get(pk=communication.pk)
    errors = {}
    if not locked.is_active:
        errors["communication"] = "The plan has ended for this incident: nothing more is sent."
    if not text or not text.strip():
        errors["text"] = "Say what changed."
    allowed = locked.plan.channels_allowed()
    unknown = [c for c in channels if c not in allowed]
    if not channels:
        errors["channels"] = "Choose where the update goes."
    elif unknown:
        errors["channels"] = f"Not a channel of this plan: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    update = StatusUpdate.objects.create(
        communication=locked, sent_at=now, sent_by=actor.user, channels=channels, text=text.strip()
    )
    event_record(
        ticket=locked.ticket,
        event_type=EventType.STATUS_UPDATE_SENT,
        actor=actor,
        to_value=", ".join(channels),
        reason=text.strip()[:500],
        data={"communication": locked.pk, "update": update.pk},
    )
    _remind_at(locked, now + timedelta(minutes=locked.plan.update_every_minutes))
    transaction.on_commit(lambda: _enqueue_update_emails(update.pk))
    return update


def _enqueue_update_emails(update_id: int) -> None:
    from django_q.tasks import async_task

    async_task("escalations.tasks.status_update_email_task", update_id)


def status_update_email(*, update_id: int) -> int:
    """E-mail a sent update to the plan's e-mail contacts (the task queue calls this)."""
    from django.conf import settings
    from django.core.mail import send_mail

    update = StatusUpdate.objects.select_related(
        "communication__plan", "communication__ticket"
    ).get(pk=update_id)
    if ContactChannel.EMAIL not in update.channels:
        return 0
    communication = update.communication
    addresses = list(
        communication.plan.contacts.filter(channel=ContactChannel.EMAIL)
        .exclude(address="")
        .values_list("address", flat=True)
    )
    if addresses:
        send_mail(
            subject=f"[Handoff] Status update: {communication.ticket.subject}"[:200],
            message=update.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
        )
    return len(addresses)


@ticket_service
def communications_end(*, ticket: Ticket, actor: Actor, reason: str) -> int:
    """The incident is resolved: its plans stop, and so do their reminders."""
    active = list(IncidentCommunication.objects.filter(ticket=ticket, ended_at=None))
    now = clock.now()
    for communication in active:
        communication.ended_at = now
        communication.next_update_due_at = None
        communication.save(update_fields=["ended_at", "next_update_due_at"])
        Timer.objects.filter(
            ticket=ticket, key=_key(communication), state=TimerState.PENDING
        ).delete()
        event_record(
            ticket=ticket,
            event_type=EventType.COMMUNICATION_ENDED,
            actor=actor,
            to_value=communication.plan.title,
            reason=reason,
            data={"communication": communication.pk, "updates": communication.updates.count()},
        )
    return len(active)


def status_update_due(timer: Timer) -> None:
    """A reminder came due (the sweeper calls this): tell the owner and remind again later,
    or end the plan if the incident is resolved."""

    communication_id = int(timer.key.split(":", 1)[1])
    communication = (
        IncidentCommunication.objects.select_related("plan", "ticket", "owner")
        .filter(pk=communication_id)
        .first()
    )
    if communication is None or not communication.is_active:
        return
    ticket = communication.ticket
    if ticket.status not in ACTIVE_STATUSES:
        communications_end(ticket=ticket, actor=REMINDER_ACTOR, reason="The incident is resolved.")
        return
    last = communication.updates.values_list("sent_at", flat=True).first()
    since = "no update yet" if last is None else f"last update {last:%H:%M}"
    event_record(
        ticket=ticket,
        event_type=EventType.STATUS_UPDATE_DUE,
        actor=REMINDER_ACTOR,
        to_value=communication.owner.get_username(),
        data={"communication": communication.pk},
    )
    notification_send(
        ticket=ticket,
        recipients=[communication.owner],
        message=f"A status update on {ticket.reference} is due ({communication.plan.title}: "
        f"every {communication.plan.update_every_minutes} min; {since}).",
        actor=REMINDER_ACTOR,
        source="communication",
    )
    _remind_at(
        communication, timer.due_at + timedelta(minutes=communication.plan.update_every_minutes)
    )
