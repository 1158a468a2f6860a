"""What rules read about the conversation: minutes since the customer and since an agent (in
public) last wrote, and the customer's latest words, kept true as messages arrive."""

import importlib
from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps

from escalations.rules.selectors import ticket_facts
from escalations.tickets.models import Ticket
from escalations.tickets.services.messages import message_add

pytestmark = pytest.mark.django_db
T0 = datetime.fromisoformat("2030-06-01 09:00:00+00:00")  # after the fixture opened it


def write(ticket, actor, kind, body, at, internal=False):
    with time_machine.travel(at, tick=False):
        message_add(ticket=ticket, author_kind=kind, body=body, actor=actor, is_internal=internal)


def test_minutes_since_each_side_wrote_and_the_latest_words(ticket, actor):
    write(ticket, actor, "customer", "Where is my parcel?", T0)
    write(ticket, actor, "agent", "Looking into it.", T0 + timedelta(minutes=5))
    write(ticket, actor, "agent", "Internal: ask the carrier", T0 + timedelta(minutes=20), True)
    write(ticket, actor, "customer", "Any news?", T0 + timedelta(minutes=30))
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        facts = ticket_facts(Ticket.objects.get(pk=ticket.pk), None, None)
    assert facts["minutes_since_customer_message"] == 15
    assert facts["minutes_since_agent_message"] == 40  # the internal note does not count
    assert facts["ticket"]["body"] == "Any news?"


def test_tickets_from_before_the_times_were_kept_get_them_from_their_messages(ticket, actor):
    write(ticket, actor, "customer", "Hello", T0)
    write(ticket, actor, "agent", "Hi!", T0 + timedelta(minutes=3))
    Ticket.objects.update(last_customer_message_at=None, last_agent_message_at=None)
    migration = importlib.import_module("escalations.migrations.0016_ticket_last_message_times")
    migration.backfill(apps, None)
    ticket.refresh_from_db()
    assert ticket.last_customer_message_at == T0
    assert ticket.last_agent_message_at == T0 + timedelta(minutes=3)
