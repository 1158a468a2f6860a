import pytest
from django.db import DatabaseError, connection, transaction

from escalations.core.models import AppendOnlyError, TicketEvent

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_through_the_model(ticket):
    event = ticket.events.first()
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_changed_in_bulk(ticket):
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).update(reason="x")
    with pytest.raises(AppendOnlyError):
        TicketEvent.objects.filter(ticket=ticket).delete()


def test_the_database_refuses_to_update_events(ticket):
    event = ticket.events.first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE escalations_ticketevent SET reason = 'forged' WHERE id = %s", [event.pk]
        )
    assert TicketEvent.objects.get(pk=event.pk).reason == ""


def test_a_ticket_with_history_cannot_be_deleted(ticket):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        ticket.delete()
