"""Escalation matrices: when a ticket reaches a level, the contact for its severity there is
told how fast to respond; the grid shows it with priorities highlighted."""

import pytest

from escalations.core.actors import Actor
from escalations.governance.models import EscalationMatrix, EscalationMatrixCell
from escalations.governance.selectors import ticket_severity
from escalations.tickets.models import EscalationKind, Notification, Priority
from escalations.tickets.services.escalations import escalation_create
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def workspace():
    template = WorkflowTemplate.objects.get(slug="incident-escalation-matrix")
    return template_instantiate(template=template, name="Ops")


def incident(workspace, severity):
    fields = {"severity": severity, "affected_service": "Checkout"}
    fields.update(
        {
            f.key: (f.choices[0] if f.choices else "x")
            for f in workspace.field_definitions.filter(is_required=True)
            if f.key not in fields
        }
    )
    return make_ticket(
        workspace=workspace,
        team=workspace.teams.get(slug="service-desk"),
        actor=ACTOR,
        custom_fields=fields,
    )


def test_the_template_makes_a_full_matrix_read_from_the_severity_field(workspace):
    matrix = EscalationMatrix.objects.get(workspace=workspace)
    assert (matrix.severity_source, matrix.cells.count()) == ("severity", 16)
    assert matrix.cells.get(level="L2", severity="SEV1").highlight == "critical"


def test_reaching_a_level_tells_its_contact_for_the_tickets_severity(workspace):
    on_call = workspace.teams.get(slug="on-call-engineering")
    sre = AgentFactory(team=on_call)
    ticket = incident(workspace, "SEV1")

    escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent",
        to_team=on_call,
        summary="Checkout down",
        actor=ACTOR,
    )

    told = Notification.objects.get(source="matrix")
    assert told.recipient == sre.user
    assert (
        f"Ticket {ticket.reference} reached L2 at SEV1: On-call SRE (primary and secondary) "
        "responds by pager within 10 min." in told.message
    )


def test_a_ticket_without_a_severity_tells_nobody_by_the_matrix(workspace):
    on_call = workspace.teams.get(slug="on-call-engineering")
    AgentFactory(team=on_call)
    ticket = incident(workspace, "SEV1")
    type(ticket).objects.filter(pk=ticket.pk).update(custom_fields={})
    ticket.refresh_from_db()
    escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent",
        to_team=on_call,
        summary="Down",
        actor=ACTOR,
    )
    assert not Notification.objects.filter(source="matrix").exists()


def test_a_matrix_may_read_the_severity_from_the_priority(l1_team):
    matrix = EscalationMatrix.objects.create(
        workspace=l1_team.workspace,
        title="By priority",
        severities=["Critical", "Major", "Minor"],
        levels=["L1", "L2"],
    )
    ticket = make_ticket(team=l1_team, actor=ACTOR)
    for priority, severity in (
        (Priority.URGENT, "Critical"),
        (Priority.HIGH, "Major"),
        (Priority.NORMAL, "Minor"),
        (Priority.LOW, None),
    ):
        ticket.priority = priority
        assert ticket_severity(matrix, ticket) == severity


def test_the_grid_highlights_the_priorities(client, manager_user, workspace):
    matrix = EscalationMatrix.objects.get(workspace=workspace)
    client.force_login(manager_user)
    text = client.get(f"/admin/escalations/escalationmatrix/{matrix.pk}/change/").content.decode()
    assert 'id="matrix-grid"' in text
    assert text.count('data-highlight="critical"') == 4
    assert EscalationMatrixCell.objects.filter(matrix=matrix, highlight="low").count() == 4
