import pytest
from django.core.exceptions import ValidationError

from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType, TicketEvent
from escalations.tickets.models import CustomFieldDefinition, CustomStatus, Priority, Ticket
from escalations.tickets.services.tickets import ticket_update
from escalations.tickets.services.transitions import ticket_move, ticket_step
from tests.helpers.factories import AgentFactory, TeamFactory, WorkspaceFactory, make_ticket

pytestmark = pytest.mark.django_db


def test_creating_a_ticket_records_who_opened_it_and_the_first_message(l1_team, actor):
    ticket = make_ticket(team=l1_team, actor=actor, body="Where is my parcel?", tags="Late, DHL")

    assert ticket.status == "new"
    assert ticket.tags == ["dhl", "late"]
    assert list(ticket.events.values_list("event_type", "actor_label")) == [
        (EventType.TICKET_CREATED, actor.label),
        (EventType.MESSAGE_ADDED, actor.label),
    ]
    assert list(ticket.messages.values_list("author_kind", "body")) == [
        ("customer", "Where is my parcel?")
    ]


def test_each_changed_field_gets_its_own_event(ticket, actor):
    ticket_update(
        ticket=ticket,
        actor=actor,
        changes={"priority": Priority.URGENT, "subject": ticket.subject, "topic": "Refund"},
        reason="VIP customer",
    )

    changes = ticket.events.filter(event_type=EventType.FIELD_CHANGED)
    assert list(changes.values_list("data__field", "from_value", "to_value", "reason")) == [
        ("priority", "Normal", "Urgent", "VIP customer"),
        ("topic", "—", "Refund", "VIP customer"),
    ]
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT


def test_an_update_that_changes_nothing_writes_nothing(ticket, actor):
    before = ticket.events.count()
    ticket_update(ticket=ticket, actor=actor, changes={"subject": ticket.subject})
    assert ticket.events.count() == before


def test_status_cannot_be_edited_as_a_field(ticket, actor):
    with pytest.raises(ValidationError) as exc:
        ticket_update(ticket=ticket, actor=actor, changes={"status": "closed"})
    assert exc.value.message_dict == {"status": ["status cannot be edited here."]}


def test_assignee_must_belong_to_the_team(ticket, actor, billing_agent):
    with pytest.raises(ValidationError) as exc:
        ticket_update(ticket=ticket, actor=actor, changes={"assignee": billing_agent})
    assert "is not a member of" in exc.value.message_dict["assignee"][0]
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_team_must_be_of_the_same_workspace(ticket, actor):
    stranger = TeamFactory()
    with pytest.raises(ValidationError) as exc:
        ticket_update(ticket=ticket, actor=actor, changes={"team": stranger})
    assert exc.value.message_dict["team"] == ["The team belongs to another workspace."]


def test_custom_fields_are_validated_against_the_workspace(actor):
    workspace = WorkspaceFactory()
    CustomFieldDefinition.objects.create(
        workspace=workspace, key="order_number", label="Order", pattern=r"NW-\d{6}"
    )
    with pytest.raises(ValidationError) as exc:
        make_ticket(workspace=workspace, actor=actor, custom_fields={"order_number": "x"})
    assert exc.value.message_dict["custom_fields"] == [
        "Order (order_number): 'x' is not in the expected format: a value like NW-123456 "
        "(the pattern NW-\\d{6})."
    ]
    assert not Ticket.objects.filter(workspace=workspace).exists()
    assert not TicketEvent.objects.exists()


def test_resolving_stamps_and_reopening_clears_the_resolution(ticket, actor):
    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None

    ticket_step(ticket=ticket, transition="reopen", actor=actor)
    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert ticket.status == "open"


def test_closing_keeps_the_resolution_time(ticket, actor):
    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    ticket.refresh_from_db()
    resolved_at = ticket.resolved_at

    ticket_step(ticket=ticket, transition="close", actor=actor)

    ticket.refresh_from_db()
    assert ticket.resolved_at == resolved_at
    assert ticket.closed_at >= resolved_at


def test_entering_a_state_applies_the_workspace_default_label(ticket, actor):
    working = CustomStatus.objects.create(
        workspace=ticket.workspace,
        name="Working",
        slug="working",
        lifecycle_state="open",
        is_default=True,
    )
    waiting = CustomStatus.objects.create(
        workspace=ticket.workspace,
        name="Waiting for customer",
        slug="waiting",
        lifecycle_state="pending",
        is_default=True,
    )
    waiting.next_statuses.set([working])
    ticket_step(ticket=ticket, transition="wait_on_customer", actor=actor)
    ticket.refresh_from_db()
    assert ticket.custom_status == waiting

    ticket_step(ticket=ticket, transition="resume", actor=actor)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("open", working)


def test_choosing_a_status_of_another_state_moves_the_lifecycle_and_records_both(ticket, actor):
    working = CustomStatus.objects.create(
        workspace=ticket.workspace,
        name="Working",
        slug="working",
        lifecycle_state="open",
        is_default=True,
    )
    parts = CustomStatus.objects.create(
        workspace=ticket.workspace,
        name="Waiting for parts",
        slug="parts",
        lifecycle_state="on_hold",
    )
    working.next_statuses.set([parts])
    ticket_step(ticket=ticket, transition="start_work", actor=actor)

    ticket_move(ticket=ticket, to_status=parts.slug, actor=actor, reason="RMA sent")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("on_hold", parts)
    lifecycle, status = ticket.events.order_by("-id")[1], ticket.events.order_by("-id")[0]
    assert [
        (e.event_type, e.from_value, e.to_value, e.reason, e.data["to_status"])
        for e in (lifecycle, status)
    ] == [
        (EventType.STATUS_CHANGED, "open", "on_hold", "RMA sent", "parts"),
        (EventType.CUSTOM_STATUS_CHANGED, "Working", "Waiting for parts", "RMA sent", "parts"),
    ]


def test_a_status_the_lifecycle_cannot_reach_in_one_step_is_refused(ticket, actor):
    closed_label = CustomStatus.objects.create(
        workspace=ticket.workspace, name="Archived", slug="archived", lifecycle_state="closed"
    )
    with pytest.raises(IllegalTransition, match="cannot move to Archived"):
        ticket_move(ticket=ticket, to_status=closed_label.slug, actor=actor)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("new", None)


def test_assigning_an_agent_of_the_team_is_recorded(ticket, actor, l1_team):
    agent = AgentFactory(display_name="Yong Park", team=l1_team)
    ticket_update(ticket=ticket, actor=actor, changes={"assignee": agent})
    event = ticket.events.get(event_type=EventType.FIELD_CHANGED)
    assert (event.data["field"], event.to_value, event.data["to"]) == (
        "assignee",
        "Yong Park",
        agent.pk,
    )


def test_closed_tickets_are_final(ticket, actor):
    from escalations.tickets.services.messages import message_add

    ticket_step(ticket=ticket, transition="resolve", actor=actor)
    ticket_step(ticket=ticket, transition="close", actor=actor)
    events = ticket.events.count()

    with pytest.raises(ValidationError, match="closed tickets are final"):
        ticket_update(ticket=ticket, actor=actor, changes={"subject": "Rewritten"})
    with pytest.raises(ValidationError, match="closed tickets are final"):
        message_add(ticket=ticket, author_kind="agent", body="Late reply", actor=actor)

    assert ticket.events.count() == events
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer on fire"
