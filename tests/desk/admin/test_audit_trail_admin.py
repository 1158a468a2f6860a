"""The audit trail in the admin: each event's time to the second on hover."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from escalations.core import clock
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db

CREATED = datetime(2026, 3, 4, 10, 15, 42, tzinfo=UTC)
TO_THE_SECOND = '<time datetime="2026-03-04T10:15:42+00:00" title="2026-03-04 10:15:42 UTC">'


def test_the_ticket_page_shows_each_event_time_to_the_second_on_hover(
    client, manager_user, l1_team, actor
):
    with clock.frozen_at(CREATED):
        ticket = make_ticket(team=l1_team, actor=actor)
    client.force_login(manager_user)

    page = client.get(reverse("admin:escalations_ticket_change", args=[ticket.pk]))

    assert TO_THE_SECOND in page.content.decode()


def test_the_audit_trail_list_shows_each_event_time_to_the_second_on_hover(
    client, manager_user, l1_team, actor
):
    with clock.frozen_at(CREATED):
        make_ticket(team=l1_team, actor=actor)
    client.force_login(manager_user)

    page = client.get(reverse("admin:escalations_ticketevent_changelist"))

    assert TO_THE_SECOND in page.content.decode()
