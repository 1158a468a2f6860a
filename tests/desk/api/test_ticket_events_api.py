"""A ticket's audit trail over the API: every event with its moment to the second."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from escalations.core import clock
from tests.helpers.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db

CREATED = datetime(2026, 3, 4, 10, 15, 42, 250000, tzinfo=UTC)


def test_the_audit_trail_gives_each_event_to_the_second(agent_user, l1_team, actor):
    with clock.frozen_at(CREATED):
        ticket = make_ticket(team=l1_team, actor=actor, body="Where is my parcel?")
    api = APIClient()
    api.force_authenticate(agent_user)

    response = api.get(f"/api/tickets/{ticket.pk}/events/")

    assert response.status_code == 200
    events = response.json()["results"]
    assert [(e["event_type"], e["description"]) for e in events] == [
        ("ticket.created", "Created (New)"),
        ("message.added", "Message added (customer)"),
    ]
    assert {datetime.fromisoformat(e["created_at"]) for e in events} == {CREATED}
    assert events[0]["created_at"].startswith("2026-03-04T10:15:42")
    assert events[0]["actor_label"] == actor.label


def test_the_audit_trail_is_refused_to_a_login_without_the_right_to_read_it(ticket):
    api = APIClient()
    api.force_authenticate(UserFactory(username="nobody"))

    assert api.get(f"/api/tickets/{ticket.pk}/events/").status_code == 403
