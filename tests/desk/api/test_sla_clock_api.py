"""A ticket's SLA clocks over the API: when each warning and breach was due, and when it
really fired, to the second."""

from datetime import datetime, timedelta

import pytest
from rest_framework.test import APIClient

from escalations.core import clock
from escalations.core.models import EventType
from escalations.sla.models import ClockKind, SlaClock
from escalations.sla.services.timers import timers_sweep
from tests.helpers.factories import make_ticket
from tests.helpers.sla import START, make_policy

pytestmark = pytest.mark.django_db


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def first_response_clock(ticket, user) -> dict:
    api = APIClient()
    api.force_authenticate(user)
    body = api.get(f"/api/tickets/{ticket.pk}/").json()
    clocks = {c["kind"]: c for c in body["sla_clocks"]}
    return {
        key: None if value is None else datetime.fromisoformat(value)
        for key, value in clocks[ClockKind.FIRST_RESPONSE].items()
        if key in ("warn_due_at", "warned_at", "breach_due_at", "breached_at")
    }


def test_a_clock_gives_when_its_warning_and_breach_were_due_and_when_they_fired(
    l1_team, actor, agent_user
):
    make_policy(l1_team.workspace)  # first response in 60 minutes, a warning at 80 %
    with clock.frozen_at(at(0)):
        ticket = make_ticket(team=l1_team, actor=actor)
    assert first_response_clock(ticket, agent_user) == {
        "warn_due_at": at(48),
        "warned_at": None,
        "breach_due_at": at(60),
        "breached_at": None,
    }

    with clock.frozen_at(at(50) + timedelta(seconds=30)):
        timers_sweep()
    with clock.frozen_at(at(61) + timedelta(seconds=15)):
        timers_sweep()

    assert first_response_clock(ticket, agent_user) == {
        "warn_due_at": at(48),
        "warned_at": at(50) + timedelta(seconds=30),
        "breach_due_at": at(60),
        "breached_at": at(61) + timedelta(seconds=15),
    }


def test_the_warning_event_carries_its_own_due_time_and_the_breach_due_time(l1_team, actor):
    make_policy(l1_team.workspace)
    with clock.frozen_at(at(0)):
        ticket = make_ticket(team=l1_team, actor=actor)

    with clock.frozen_at(at(50)):
        timers_sweep()

    warning = ticket.events.get(event_type=EventType.SLA_WARNING)
    assert warning.data["due_at"] == at(48).isoformat()
    assert warning.data["breach_due_at"] == at(60).isoformat()


def test_a_clock_answered_late_before_its_breach_fired_records_when_it_was_found(l1_team, actor):
    from escalations.tickets.models import AuthorKind
    from escalations.tickets.services.messages import message_add

    make_policy(l1_team.workspace)
    with clock.frozen_at(at(0)):
        ticket = make_ticket(team=l1_team, actor=actor)

    with clock.frozen_at(at(70)):
        message_add(ticket=ticket, author_kind=AuthorKind.AGENT, body="Here", actor=actor)

    first = SlaClock.objects.get(ticket=ticket, kind=ClockKind.FIRST_RESPONSE)
    assert (first.breached_at, first.breach_fired_at) == (at(60), at(70))
