import pytest

from escalations.audit import event_description
from escalations.models import EventType, Priority
from escalations.services.tickets import ticket_update
from escalations.services.transitions import ticket_step

pytestmark = pytest.mark.django_db


def test_audit_lines_name_the_field_and_use_labels(ticket, actor):
    ticket_update(ticket=ticket, actor=actor, changes={"priority": Priority.HIGH})
    ticket_step(ticket=ticket, transition="start_work", actor=actor)
    ticket_step(ticket=ticket, transition="put_on_hold", actor=actor)

    lines = [event_description(e) for e in ticket.events.order_by("id")]

    assert lines == [
        "Created (New)",
        "Message added (customer)",
        "Priority: Normal → High",
        "Status: New → Open",
        "Status: Open → On hold",
    ]
    assert ticket.events.filter(event_type=EventType.STATUS_CHANGED).count() == 2
