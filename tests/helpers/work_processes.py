"""Work processes in tests: a workspace from a catalog template, a member of one of its teams,
and moves to its statuses by name."""

from escalations.core.actors import Actor
from escalations.tickets.services.transitions import ticket_move
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import AgentFactory

SYSTEM = Actor.system("test")
ITSM_FIELDS = {
    "escalation_type": "Change",
    "impact": "Single team",
    "urgency": "Medium",
    "affected_system": "ERP",
}


def workspace_from(slug: str):
    return template_instantiate(template=WorkflowTemplate.objects.get(slug=slug), name=slug)


def member_of(workspace, team_slug: str):
    return AgentFactory(team=workspace.teams.get(slug=team_slug)).user


def move(ticket, workspace, name: str, actor=SYSTEM):
    return ticket_move(
        ticket=ticket, to_status=workspace.custom_statuses.get(name=name).slug, actor=actor
    )
