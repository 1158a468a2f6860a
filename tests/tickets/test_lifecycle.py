"""The ticket state machine: the whole graph, pinned, and every move proved either way."""

import pytest

from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType, TicketEvent
from escalations.tickets.lifecycle import TRANSITION_NAMES, transitions
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.services.transitions import ticket_step
from escalations.tickets.workflow import lifecycle_step
from tests.helpers.factories import make_ticket

N, O, P, H, E, R, C = (  # noqa: E741 (the states, one letter each)
    "new",
    "open",
    "pending",
    "on_hold",
    "escalated",
    "resolved",
    "closed",
)

# The lifecycle, deliberately. Changing it means changing this table and the README diagram.
EXPECTED_GRAPH = {
    (N, "start_work", O),
    (N, "wait_on_customer", P),
    (N, "escalate", E),
    (N, "resolve", R),
    (O, "wait_on_customer", P),
    (O, "put_on_hold", H),
    (O, "escalate", E),
    (O, "resolve", R),
    (P, "resume", O),
    (P, "put_on_hold", H),
    (P, "escalate", E),
    (P, "resolve", R),
    (H, "resume", O),
    (H, "wait_on_customer", P),
    (H, "escalate", E),
    (H, "resolve", R),
    (E, "wait_on_customer", P),
    (E, "put_on_hold", H),
    (E, "return_to_queue", O),
    (E, "escalate", E),
    (E, "resolve", R),
    (R, "reopen", O),
    (R, "close", C),
}

# A way to bring a new ticket into each state through legal moves only.
PATH_TO = {
    N: [],
    O: ["start_work"],
    P: ["start_work", "wait_on_customer"],
    H: ["start_work", "put_on_hold"],
    R: ["resolve"],
    C: ["resolve", "close"],
}

ALL_MOVES = sorted(TRANSITION_NAMES - {"escalate"})


def ticket_in(state, actor):
    ticket = make_ticket(actor=actor)
    if state == E:
        from escalations.tickets.services.escalations import escalation_create
        from tests.helpers.factories import TeamFactory

        team = TeamFactory(workspace=ticket.workspace, tier=2)
        escalation_create(
            ticket=ticket, kind="agent_initiated", trigger="t", to_team=team, actor=actor
        )
    for step in PATH_TO.get(state, []):
        ticket_step(ticket=ticket, transition=step, actor=actor)
    ticket.refresh_from_db()
    assert ticket.status == state
    return ticket


def test_lifecycle_graph_is_exactly_the_documented_one():
    assert set(transitions()) == EXPECTED_GRAPH


def test_closed_is_the_only_state_with_no_way_out():
    sources = {source for source, _, _ in EXPECTED_GRAPH}
    assert set(TicketStatus.values) - sources == {C}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "name", "target"),
    sorted(edge for edge in EXPECTED_GRAPH if edge[1] != "escalate"),
)
def test_every_legal_transition_moves_and_writes_exactly_one_event(actor, source, name, target):
    ticket = ticket_in(source, actor)
    before = set(TicketEvent.objects.filter(ticket=ticket).values_list("pk", flat=True))

    ticket_step(ticket=ticket, transition=name, actor=actor, reason="because")

    ticket.refresh_from_db()
    assert ticket.status == target
    new_events = TicketEvent.objects.filter(ticket=ticket).exclude(pk__in=before)
    assert list(
        new_events.values_list(
            "event_type", "from_value", "to_value", "reason", "actor_label", "data__transition"
        )
    ) == [(EventType.STATUS_CHANGED, source, target, "because", actor.label, name)]


ILLEGAL = sorted(
    (state, name)
    for state in TicketStatus.values
    for name in ALL_MOVES
    if not any(s == state and n == name for s, n, _ in EXPECTED_GRAPH)
)


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "name"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(actor, source, name):
    ticket = ticket_in(source, actor)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    row_before = Ticket.objects.filter(pk=ticket.pk).values().get()

    with pytest.raises(IllegalTransition) as refused:
        ticket_step(ticket=ticket, transition=name, actor=actor)

    assert refused.value.current.slug == source
    assert all(lifecycle_step(source, s.state) != name for s in refused.value.allowed)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before
    assert Ticket.objects.filter(pk=ticket.pk).values().get() == row_before


@pytest.mark.django_db
def test_escalate_is_refused_as_a_bare_transition(ticket, actor):
    with pytest.raises(IllegalTransition, match="through an escalation"):
        ticket_step(ticket=ticket, transition="escalate", actor=actor)
    ticket.refresh_from_db()
    assert ticket.status == N


@pytest.mark.django_db
def test_unknown_transition_name_is_refused(ticket, actor):
    with pytest.raises(IllegalTransition, match="no lifecycle step"):
        ticket_step(ticket=ticket, transition="delete", actor=actor)


@pytest.mark.django_db
def test_stale_caller_is_refused_even_when_the_move_would_be_legal(ticket, actor):
    # given a page showing the ticket as New while someone else started work on it
    ticket_step(ticket=ticket, transition="start_work", actor=actor)
    events_before = ticket.events.count()

    # when the page asks to resolve it
    with pytest.raises(IllegalTransition, match="changed since you looked"):
        ticket_step(ticket=ticket, transition="resolve", actor=actor, expected_status=N)

    # then nothing happens
    ticket.refresh_from_db()
    assert ticket.status == O
    assert ticket.events.count() == events_before


@pytest.mark.django_db
def test_status_field_cannot_be_assigned_directly(ticket):
    with pytest.raises(AttributeError):
        ticket.status = R
