"""A communication plan running for a critical incident: its owner is reminded at the plan's
cadence until the incident is resolved, and every update sent is logged."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from escalations.core.models import EventType
from escalations.incidents.models import CommunicationPlan, PlanContact, PlanStep, StatusUpdate
from escalations.incidents.services.communications import communication_start, status_update_send
from escalations.sla.models import Timer, TimerState
from escalations.sla.services.timers import timers_sweep
from escalations.tasks import status_update_email_task
from escalations.tickets.models import Notification
from escalations.tickets.services.transitions import ticket_step
from tests.helpers.factories import make_ticket
from tests.helpers.sla import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(l1_team):
    plan = CommunicationPlan.objects.create(
        workspace=l1_team.workspace,
        title="Critical incident communications",
        critical_incident="Checkout down for more than 5 % of customers.",
        update_every_minutes=30,
        update_channels=["email", "status_page"],
    )
    PlanStep.objects.create(plan=plan, position=1, action="Open the bridge call", owner="IC")
    PlanStep.objects.create(
        plan=plan, position=2, action="Post on the status page", owner="Comms", within_minutes=15
    )
    PlanContact.objects.create(
        plan=plan, name="Executive on call", channel="email", address="exec@example.org"
    )
    return plan


def reminders(ticket):
    return list(
        ticket.timers.filter(kind="status_update", state=TimerState.PENDING).values_list(
            "due_at", flat=True
        )
    )


def test_starting_the_plan_tells_the_owner_the_steps_and_schedules_the_first_reminder(
    l1_team, actor, plan, manager_user, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor, subject="Checkout is down")
        communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)

    told = Notification.objects.get(recipient=manager_user, source="communication")
    assert "every 30 minutes until it is resolved" in told.message
    assert "1. Open the bridge call (IC)" in told.message
    assert "2. Post on the status page (Comms) within 15 min" in told.message
    assert reminders(ticket) == [START + timedelta(minutes=30)]
    assert ticket.events.filter(event_type=EventType.COMMUNICATION_STARTED).exists()


def test_the_owner_is_reminded_at_the_cadence_until_an_update_is_sent(
    l1_team, actor, plan, manager_user, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        communication = communication_start(
            plan=plan, ticket=ticket, owner=manager_user, actor=actor
        )
    with time.at(29):
        assert timers_sweep().fired == 0
    with time.at(31):
        assert timers_sweep().fired == 1
    with time.at(61):
        assert timers_sweep().fired == 1
    due = Notification.objects.filter(recipient=manager_user, message__contains="is due")
    assert due.count() == 2 and "no update yet" in due.first().message
    assert reminders(ticket) == [START + timedelta(minutes=90)]

    with time.at(70):
        status_update_send(
            communication=communication,
            text="Payments restored for 80 % of customers; next update in 30 minutes.",
            channels=["status_page", "email"],
            actor=actor,
        )

    assert reminders(ticket) == [START + timedelta(minutes=100)]  # counted from the update
    communication.refresh_from_db()
    assert communication.next_update_due_at == START + timedelta(minutes=100)
    update = StatusUpdate.objects.get()
    assert (update.sent_by, update.channels) == (actor.user, ["status_page", "email"])
    assert ticket.events.filter(event_type=EventType.STATUS_UPDATE_SENT).count() == 1
    assert ticket.events.filter(event_type=EventType.STATUS_UPDATE_DUE).count() == 2


def test_a_sent_update_is_emailed_to_the_plans_email_contacts(
    l1_team, actor, plan, manager_user, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket = make_ticket(team=l1_team, actor=actor, subject="Checkout is down")
    communication = communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    update = status_update_send(
        communication=communication, text="Mitigated.", channels=["email"], actor=actor
    )

    status_update_email_task(update.pk)

    assert [(m.to, m.body) for m in mail.outbox] == [(["exec@example.org"], "Mitigated.")]


def test_resolving_the_incident_ends_the_plan_and_its_reminders(
    l1_team, actor, plan, manager_user, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        communication = communication_start(
            plan=plan, ticket=ticket, owner=manager_user, actor=actor
        )
    with time.at(10):
        ticket_step(ticket=ticket, transition="resolve", actor=actor)
    with time.at(40):
        assert timers_sweep().fired == 0

    communication.refresh_from_db()
    assert communication.ended_at == START + timedelta(minutes=10)
    assert reminders(ticket) == []
    assert ticket.events.filter(event_type=EventType.COMMUNICATION_ENDED).count() == 1
    assert not Notification.objects.filter(message__contains="is due").exists()
    with pytest.raises(ValidationError, match="has ended"):
        status_update_send(
            communication=communication, text="Late news", channels=["email"], actor=actor
        )


def test_a_reminder_that_finds_the_incident_resolved_ends_the_plan(
    l1_team, actor, plan, manager_user, time
):
    with time.at(0):
        ticket = make_ticket(team=l1_team, actor=actor)
        communication = communication_start(
            plan=plan, ticket=ticket, owner=manager_user, actor=actor
        )
    type(ticket).objects.filter(pk=ticket.pk).update(status="resolved")  # resolved elsewhere
    with time.at(31):
        timers_sweep()
    communication.refresh_from_db()
    assert communication.ended_at is not None
    assert not Timer.objects.filter(ticket=ticket, state=TimerState.PENDING).exists()


@pytest.mark.parametrize(
    ("text", "channels", "field"),
    [("", ["email"], "text"), ("News", [], "channels"), ("News", ["pager"], "channels")],
)
def test_a_bad_update_is_refused_and_logs_nothing(
    l1_team, actor, plan, manager_user, text, channels, field
):
    ticket = make_ticket(team=l1_team, actor=actor)
    communication = communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    with pytest.raises(ValidationError) as refused:
        status_update_send(communication=communication, text=text, channels=channels, actor=actor)
    assert field in refused.value.message_dict
    assert not StatusUpdate.objects.exists()


def test_a_plan_runs_once_per_incident_and_only_for_an_active_one(
    l1_team, actor, plan, manager_user
):
    ticket = make_ticket(team=l1_team, actor=actor)
    communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    with pytest.raises(ValidationError, match="already runs"):
        communication_start(plan=plan, ticket=ticket, owner=manager_user, actor=actor)
    done = make_ticket(team=l1_team, actor=actor)
    ticket_step(ticket=done, transition="resolve", actor=actor)
    with pytest.raises(ValidationError, match="no longer active"):
        communication_start(plan=plan, ticket=done, owner=manager_user, actor=actor)
