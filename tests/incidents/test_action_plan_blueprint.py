"""A workspace made from the incident action plan template writes its plans from the
template's blueprint: sections, standing priorities, roles and duties, first actions."""

import pytest

from escalations.core.actors import Actor
from escalations.incidents.models import ActionPlanBlueprint
from escalations.incidents.services.plans import plan_create
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.catalog import required_values
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(manager_user):
    template = WorkflowTemplate.objects.get(slug="incident-action-plan")
    workspace = template_instantiate(template=template, name="Major incidents")
    return make_ticket(
        workspace=workspace,
        actor=Actor.for_user(manager_user),
        custom_fields=required_values(workspace),
    )


def test_a_new_plan_starts_from_the_workspace_blueprint(incident, actor):
    blueprint = ActionPlanBlueprint.objects.get(workspace=incident.workspace)
    plan = plan_create(ticket=incident, title="", actor=actor)
    assert plan.title == blueprint.title == "Incident action plan"
    assert plan.execution_plan.startswith("Objectives for this period:\n")
    assert "Situation summary" not in plan.execution_plan
    assert plan.priorities[0] == "Protect people and customer data first."
    assert len(plan.next_actions) == 5
    assert plan.period_hours == 12
    roles = list(plan.responsibilities.values_list("role", "person"))
    assert roles[0] == ("Incident commander", None)
    assert len(roles) == 5


def test_what_the_writer_gives_wins_over_the_blueprint(incident, actor):
    plan = plan_create(
        ticket=incident,
        title="Checkout outage",
        actor=actor,
        priorities=["Restore checkout"],
        period_hours=6,
    )
    assert (plan.title, plan.priorities, plan.period_hours) == (
        "Checkout outage",
        ["Restore checkout"],
        6,
    )
    assert plan.next_actions  # left empty, so the blueprint's


def test_a_workspace_without_a_blueprint_starts_plans_empty(ticket, actor):
    plan = plan_create(ticket=ticket, title="Plan", actor=actor)
    assert (plan.execution_plan, plan.priorities, plan.responsibilities.count()) == ("", [], 0)
