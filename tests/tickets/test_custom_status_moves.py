"""A workspace chooses which of its statuses lead where; a move it did not allow is refused
and changes nothing, and a status with no moves chosen is a dead end."""

import pytest

from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType
from escalations.core.unit_of_work import request_memo
from escalations.tickets.models import CustomStatus
from escalations.tickets.services.transitions import ticket_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def labels(ticket):
    def label(name, state, **extra):
        return CustomStatus.objects.create(
            workspace=ticket.workspace,
            name=name,
            slug=name.lower().replace(" ", "-"),
            lifecycle_state=state,
            **extra,
        )

    return {
        "triage": label("Triage", "new", is_default=True),
        "working": label("Working", "open"),
        "vendor": label("Waiting on vendor", "on_hold"),
        "done": label("Done", "resolved"),
    }


def test_a_move_the_workspace_did_not_allow_is_refused_and_changes_nothing(ticket, actor, labels):
    labels["triage"].next_statuses.set([labels["working"]])
    ticket_move(ticket=ticket, to_status=labels["triage"].slug, actor=actor)

    with pytest.raises(IllegalTransition) as refused:
        ticket_move(ticket=ticket, to_status=labels["vendor"].slug, actor=actor)

    assert "is Triage: from there it may move to Working, not to Waiting on vendor" in str(
        refused.value
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("new", labels["triage"])
    assert not ticket.events.filter(
        event_type=EventType.CUSTOM_STATUS_CHANGED, to_value="Waiting on vendor"
    ).exists()


def test_allowed_moves_go_through_and_a_status_without_moves_is_a_dead_end(ticket, actor, labels):
    labels["triage"].next_statuses.set([labels["working"]])
    labels["working"].next_statuses.set([labels["vendor"]])
    ticket_move(ticket=ticket, to_status=labels["triage"].slug, actor=actor)

    ticket_move(ticket=ticket, to_status=labels["working"].slug, actor=actor)
    ticket_move(ticket=ticket, to_status=labels["vendor"].slug, actor=actor)
    with pytest.raises(IllegalTransition, match="is Waiting on vendor: nothing leads out of it"):
        ticket_move(ticket=ticket, to_status=labels["working"].slug, actor=actor)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status) == ("on_hold", labels["vendor"])


def test_a_change_to_the_allowed_moves_counts_at_once(ticket, actor, labels):
    ticket_move(ticket=ticket, to_status=labels["triage"].slug, actor=actor)
    with request_memo():
        labels["triage"].next_statuses.set([labels["working"]])
        with pytest.raises(IllegalTransition):
            ticket_move(ticket=ticket, to_status=labels["done"].slug, actor=actor)
    with request_memo():
        labels["triage"].next_statuses.add(labels["done"])
        ticket_move(ticket=ticket, to_status=labels["done"].slug, actor=actor)
    ticket.refresh_from_db()
    assert ticket.custom_status == labels["done"]
