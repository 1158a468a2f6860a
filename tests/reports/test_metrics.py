"""Each dashboard figure against values worked out by hand on a small, fixed history."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from escalations.core.models import EventType, TicketEvent
from escalations.reports.dashboard import dashboard
from escalations.reports.metrics import Period
from escalations.tickets.models import Ticket
from tests.helpers.factories import WorkspaceFactory, make_ticket
from tests.helpers.reports import H, at

pytestmark = pytest.mark.django_db


def test_every_figure_matches_the_hand_worked_values(history):
    workspace, _, _ = history
    figures = dashboard(Period(date(2026, 1, 10), date(2026, 1, 11), workspace.pk))

    volume = figures["volume"]
    assert volume["total"] == 4
    assert volume["by_kind_per_day"]["reactive"] == [1, 0]
    assert volume["by_kind_per_day"]["time_based"] == [0, 1]
    assert {row["label"]: row["count"] for row in volume["by_team"]} == {"A": 2, "B": 2}
    assert {row["label"]: row["count"] for row in volume["by_tier"]} == {"L2": 3, "L3": 1}
    assert volume["by_category"] == [{"label": "billing", "value": "billing", "count": 4}]

    # Answered after 600, 1800 and 3600 s: the median is 1800; p90 lies 80 % of the way
    # from the 2nd to the 3rd value: 1800 + 0.8 * 1800 = 3240.
    assert figures["first_response"] == {
        "answered": 3,
        "waiting": 1,
        "p50_seconds": 1800.0,
        "p90_seconds": 3240.0,
    }
    # Escalated tickets took 2 h and 3 h; the one never escalated 1 h.
    assert figures["resolution"] == {
        "escalated": {"tickets": 2, "mean_seconds": 9000.0, "p50_seconds": 9000.0},
        "not_escalated": {"tickets": 1, "mean_seconds": 3600.0, "p50_seconds": 3600.0},
    }
    # Two resolved by the first team they reached, one handed on: 2 of 3.
    assert figures["first_contact"]["share"] == pytest.approx(2 / 3)
    assert figures["sla"] == [{"policy": "Standard", "clocks": 4, "breached": 1, "rate": 0.25}]
    # Escalated stays: 1 h (t1) and 2 h (t3); open 1 h twice; pending 1 h (t3).
    states = {row["state"]: row for row in figures["bottlenecks"]["states"]}
    assert figures["bottlenecks"]["states"][0]["state"] == "Escalated"
    assert states["Escalated"]["stays"] == 2
    assert states["Escalated"]["mean_seconds"] == pytest.approx(5400)
    assert states["Escalated"]["longest_seconds"] == pytest.approx(7200)
    assert states["Pending"]["mean_seconds"] == pytest.approx(3600)
    assert states["Open"]["stays"] == 2
    teams = figures["bottlenecks"]["teams"]
    assert [(row["team"], row["mean_seconds"]) for row in teams] == [("B", 3600.0), ("A", 1200.0)]


def test_the_filters_narrow_every_figure(history):
    workspace, _, back = history
    only_b = dashboard(Period(date(2026, 1, 10), date(2026, 1, 11), workspace.pk, back.pk))
    assert only_b["volume"]["total"] == 2
    assert only_b["first_response"]["answered"] == 1
    first_day = dashboard(Period(date(2026, 1, 10), date(2026, 1, 10), workspace.pk))
    assert first_day["volume"]["total"] == 2
    elsewhere = dashboard(Period(date(2026, 1, 10), date(2026, 1, 11), WorkspaceFactory().pk))
    assert elsewhere["volume"]["total"] == 0
    assert elsewhere["first_response"]["p50_seconds"] is None
    assert elsewhere["first_contact"]["share"] is None


def test_an_escalation_records_the_task_category_at_hand_over(l1_team, billing_team, actor):
    from escalations.tickets.services.escalations import escalation_create

    ticket = make_ticket(team=l1_team, actor=actor, ai_intent="billing.refund")
    escalation = escalation_create(
        ticket=ticket,
        kind="agent_initiated",
        actor=actor,
        trigger="agent_button",
        to_team=billing_team,
        summary="Refund above the limit.",
    )
    Ticket.objects.filter(pk=ticket.pk).update(ai_intent="billing.invoice")
    escalation.refresh_from_db()
    assert escalation.category == "billing.refund"


def test_a_ticket_keeps_the_time_it_was_first_escalated(l1_team, billing_team, actor):
    from escalations.tickets.services.escalations import escalation_create
    from escalations.tickets.services.transitions import ticket_step

    ticket = make_ticket(team=l1_team, actor=actor)
    assert ticket.escalated_at is None
    first = escalation_create(
        ticket=ticket,
        kind="agent_initiated",
        actor=actor,
        trigger="agent_button",
        to_team=billing_team,
        summary="Over to billing.",
    )
    ticket.refresh_from_db()
    stamped = ticket.escalated_at
    assert abs(stamped - first.triggered_at) < timedelta(seconds=1)
    ticket_step(ticket=ticket, transition="wait_on_customer", actor=actor)
    escalation_create(
        ticket=ticket,
        kind="agent_initiated",
        actor=actor,
        trigger="agent_button",
        to_team=billing_team,
        summary="Again.",
    )
    ticket.refresh_from_db()
    assert ticket.escalated_at == stamped


def test_a_status_change_records_how_long_the_ticket_stayed_in_the_status_it_left(l1_team, actor):
    from escalations.tickets.services.transitions import ticket_step

    ticket = make_ticket(team=l1_team, actor=actor)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=timezone.now() - 2 * H)
    ticket_step(ticket=ticket, transition="wait_on_customer", actor=actor)
    event = TicketEvent.objects.filter(ticket=ticket, event_type=EventType.STATUS_CHANGED).latest(
        "id"
    )
    assert event.from_value == "new"
    assert event.stay_seconds == pytest.approx(7200, abs=5)
    ticket_step(ticket=ticket, transition="resume", actor=actor)
    back = TicketEvent.objects.filter(ticket=ticket, event_type=EventType.STATUS_CHANGED).latest(
        "id"
    )
    assert back.from_value == "pending"
    assert 0 <= back.stay_seconds < 5


def test_the_upgrade_fills_in_the_stays_of_status_changes_recorded_before_it(l1_team, actor):
    from importlib import import_module

    from django.db import DatabaseError, connection, transaction

    upgrade = import_module("escalations.migrations.0033_report_indexes_and_stays")
    ticket = make_ticket(team=l1_team, actor=actor)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(0))
    rows = [
        (EventType.STATUS_CHANGED, "open", "escalated", 1),
        (EventType.MESSAGE_ADDED, "", "", 2),
        (EventType.STATUS_CHANGED, "escalated", "resolved", 3.5),
    ]
    made = [
        TicketEvent.objects.create(
            ticket=ticket,
            event_type=kind,
            actor_kind="system",
            from_value=left,
            to_value=entered,
            created_at=at(hours),
        )
        for kind, left, entered, hours in rows
    ]

    class Editor:  # what the migration needs of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    if connection.vendor == "postgresql":
        # A migration runs before any row is written in its transaction; here the rows just
        # made have foreign-key checks waiting, which would keep the table from being altered.
        Editor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    upgrade.stays_fill(None, Editor())
    stays = [TicketEvent.objects.get(pk=event.pk).stay_seconds for event in made]
    assert stays[0] == pytest.approx(3600)
    assert stays[1] is None
    assert stays[2] == pytest.approx(2.5 * 3600)
    # The audit trail refuses updates again.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE escalations_ticketevent SET reason = 'x' WHERE id = %s", [made[0].pk]
        )
