"""Priority from impact and urgency: set when a ticket's two fields are set or change, with the
reason on the audit trail."""

import pytest
from django.core.exceptions import ValidationError

from escalations.core.actors import Actor
from escalations.core.models import EventType
from escalations.governance.models import PriorityMatrix
from escalations.tickets.models import Priority
from escalations.tickets.services.tickets import ticket_update
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def itsm():
    return template_instantiate(template=WorkflowTemplate.objects.get(slug="itsm"), name="IT")


def request_fields(workspace, **values):
    fields = {
        f.key: (f.choices[0] if f.choices else "x")
        for f in workspace.field_definitions.filter(is_required=True)
    }
    return {**fields, **values}


def test_a_new_ticket_gets_the_priority_of_its_impact_and_urgency(itsm):
    fields = request_fields(itsm, impact="Organisation-wide", urgency="Critical")
    ticket = make_ticket(workspace=itsm, actor=ACTOR, custom_fields=fields)
    assert ticket.priority == Priority.URGENT


def test_a_changed_urgency_changes_the_priority_and_says_why(itsm):
    fields = request_fields(itsm, impact="Organisation-wide", urgency="Critical")
    ticket = make_ticket(workspace=itsm, actor=ACTOR, custom_fields=fields)

    ticket_update(
        ticket=ticket, actor=ACTOR, changes={"custom_fields": {**fields, "urgency": "Low"}}
    )

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    event = ticket.events.filter(event_type=EventType.FIELD_CHANGED, data__field="priority").get()
    assert event.reason == (
        "Impact Organisation-wide and urgency Low give normal (priority matrix)."
    )


def test_a_priority_given_with_the_change_wins(itsm):
    fields = request_fields(itsm, impact="Single user", urgency="Low")
    ticket = make_ticket(workspace=itsm, actor=ACTOR, custom_fields=fields)
    ticket_update(
        ticket=ticket,
        actor=ACTOR,
        changes={"custom_fields": {**fields, "urgency": "Critical"}, "priority": Priority.HIGH},
    )
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH


def test_without_a_matrix_the_priority_is_left_alone(l1_team):
    ticket = make_ticket(team=l1_team, actor=ACTOR, custom_fields={})
    assert ticket.priority == Priority.NORMAL


def test_a_matrix_of_the_wrong_shape_or_with_unknown_priorities_is_refused(l1_team):
    matrix = PriorityMatrix(
        workspace=l1_team.workspace,
        impacts=["High", "Low"],
        urgencies=["High", "Low"],
        priorities=[["urgent", "high"]],
    )
    with pytest.raises(ValidationError, match="One row per impact"):
        matrix.full_clean()
    matrix.priorities = [["urgent", "high"], ["high", "whenever"]]
    with pytest.raises(ValidationError, match="Not a priority: whenever"):
        matrix.full_clean()


def test_a_manager_sees_the_matrix_in_the_admin_and_a_bad_one_is_refused_on_save(
    client, manager_user, itsm
):
    matrix = PriorityMatrix.objects.get(workspace=itsm)
    client.force_login(manager_user)
    url = f"/admin/escalations/prioritymatrix/{matrix.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "workspace": itsm.pk,
            "impact_field": "impact",
            "urgency_field": "urgency",
            "impacts": '["High", "Low"]',
            "urgencies": '["High", "Low"]',
            "priorities": '[["urgent"]]',
        },
    )
    assert response.status_code == 200 and "One row per impact" in response.content.decode()
    matrix.refresh_from_db()
    assert len(matrix.impacts) == 4
