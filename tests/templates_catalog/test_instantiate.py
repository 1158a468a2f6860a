"""Using a template: a new workspace set up as the template says, working at once, independent
of the template and of every other workspace made from it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from escalations.ai.models import EscalationPolicy, QualityChecklist
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core.actors import Actor
from escalations.governance.models import EscalationMatrix, RaciMatrix, WorkProcess
from escalations.governance.models.processes import request_type
from escalations.incidents.models import ActionPlanBlueprint, CommunicationPlan, EscalationProcedure
from escalations.rules.models import Rule
from escalations.sla.models import SlaPolicy
from escalations.tickets.models import CustomStatus, Team, TicketStatus, Workspace
from escalations.tickets.selectors.workflows import workflow_of
from escalations.tickets.services.transitions import ticket_move
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.services import TEMPLATE_DIR
from tests.helpers.catalog import required_values
from tests.helpers.factories import AgentFactory, CustomerFactory, TeamFactory, make_ticket
from tests.helpers.workflow_walk import walk_to

pytestmark = pytest.mark.django_db
SLUGS = [path.stem for path in sorted(TEMPLATE_DIR.glob("*.yaml"))]
ACTOR = Actor.system("test")


def use(slug: str, name: str, **kwargs) -> Workspace:
    return template_instantiate(
        template=WorkflowTemplate.objects.get(slug=slug), name=name, **kwargs
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_each_template_gives_a_workspace_where_a_ticket_moves_through_its_workflow(slug):
    template = WorkflowTemplate.objects.get(slug=slug)
    spec = template.spec

    workspace = use(slug, f"From {slug}")

    assert (workspace.template_slug, workspace.template_version) == (slug, str(template.version))
    assert workspace.teams.count() == len(spec["teams"])
    assert workspace.custom_statuses.count() == len(spec.get("statuses", []))
    assert workspace.field_definitions.count() == len(spec.get("fields", []))
    assert workspace.sla_policies.count() == len(spec.get("sla_policies", []))
    assert workspace.ladders.count() == len(spec.get("ladders", []))
    assert EscalationPolicy.objects.filter(workspace=workspace).count() == len(
        spec.get("escalation_policies", [])
    )
    assert Rule.objects.filter(rule_set__workspace=workspace, rule_set__is_live=True).count() == (
        len(spec.get("rules", []))
    )
    comms = [d for d in spec.get("documents", []) if d["kind"] == "communication_plan"]
    plans = CommunicationPlan.objects.filter(workspace=workspace)
    assert sorted(p.title for p in plans) == sorted(d["title"] for d in comms)
    for document in comms:
        made = plans.get(title=document["title"])
        assert made.contacts.count() == len(document["contacts"])
        assert made.steps.count() == len(document["steps"])
    procedures = [d for d in spec.get("documents", []) if d["kind"] == "procedure"]
    made_procedure = EscalationProcedure.objects.filter(workspace=workspace).first()
    assert (made_procedure.title if made_procedure else None) == (
        procedures[0]["title"] if procedures else None
    )
    grids = [d for d in spec.get("documents", []) if d["kind"] == "escalation_matrix"]
    matrices_made = EscalationMatrix.objects.filter(workspace=workspace)
    assert sorted(m.title for m in matrices_made) == sorted(d["title"] for d in grids)
    for document in grids:
        assert matrices_made.get(title=document["title"]).cells.count() == len(document["cells"])
    processes = [
        d for d in spec.get("documents", []) if d["kind"] in ("change_process", "integration_chain")
    ]
    made_processes = WorkProcess.objects.filter(workspace=workspace)
    approvals = [f"{d['title']}: approval" for d in spec.get("documents", []) if d.get("approval")]
    assert sorted(p.title for p in made_processes) == sorted(
        [d["title"] for d in processes] + approvals
    )
    for document in processes:
        steps = document.get("steps") or document["checkpoints"]
        assert made_processes.get(title=document["title"]).steps.count() == len(steps)
    blueprints = [d for d in spec.get("documents", []) if d["kind"] == "incident_action_plan"]
    assert ActionPlanBlueprint.objects.filter(workspace=workspace).count() == len(blueprints)
    checklists = [d for d in spec.get("documents", []) if d["kind"] == "checklist"]
    assert QualityChecklist.objects.filter(workspace=workspace).count() == len(checklists)
    raci = spec.get("raci")
    matrices = RaciMatrix.objects.filter(workspace=workspace)
    assert matrices.count() == (1 if raci else 0)
    if raci:
        assert matrices.get().activities.count() == len(raci["activities"])
        assert matrices.get().roles.count() == len(raci["roles"])
    team = workspace.teams.order_by("tier", "pk").first()
    ticket = make_ticket(
        workspace=workspace,
        team=team,
        actor=ACTOR,
        body="It does not work.",
        custom_fields=required_values(workspace),
    )
    # The ticket walks to its workspace's resolved status along allowed moves, passing its
    # processes' approval points, where their owners sign off (a superuser stands in here).
    for process in WorkProcess.objects.filter(workspace=workspace, open_status__isnull=False):
        ticket.refresh_from_db()
        if process.applies_to(request_type(ticket, process.type_field)):
            ticket = walk_to(ticket, process.open_status.slug, ACTOR)
    workflow = workflow_of(workspace.pk)
    resolved = workflow.default_for(TicketStatus.RESOLVED)
    walk_to(ticket, resolved.slug, ACTOR)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    if spec.get("statuses"):
        assert ticket.custom_status.slug == resolved.slug


def test_a_customer_service_workspace_hands_over_as_its_policies_say():
    workspace = use("customer-service-escalation", "Acme support")
    tier_1 = workspace.teams.get(slug="tier-1")
    AgentFactory(team=tier_1)
    ticket = make_ticket(workspace=workspace, team=tier_1, actor=ACTOR, body="Where is NW-1234?")

    verdict = ai_verdict_record(
        ticket=ticket, actor=ACTOR, confidence=Decimal("0.55"), intent="general_question"
    )

    ticket.refresh_from_db()
    assert verdict.decision == "escalate" and verdict.policy_name == "Everything else"
    assert ticket.status == TicketStatus.ESCALATED
    assert ticket.custom_status.name == "With a specialist"
    assert "AI confidence 0.55 is below 0.8." in verdict.reasons


def test_the_allowed_status_moves_come_with_the_workspace():
    from escalations.core.errors import IllegalTransition

    workspace = use("customer-service-escalation", "Acme support")
    statuses = {s.name: s for s in workspace.custom_statuses.all()}
    assert set(statuses["New"].next_statuses.values_list("name", flat=True)) == {
        "In progress",
        "With a specialist",
        "Solved",
    }
    ticket = make_ticket(workspace=workspace, actor=ACTOR)
    assert ticket.custom_status == statuses["New"]  # a new ticket starts in it
    with pytest.raises(IllegalTransition, match="is New already"):
        ticket_move(ticket=ticket, to_status=statuses["New"].slug, actor=ACTOR)
    with pytest.raises(IllegalTransition, match="not to Waiting on customer"):
        ticket_move(ticket=ticket, to_status=statuses["Waiting on customer"].slug, actor=ACTOR)


def test_using_a_template_twice_gives_two_independent_workspaces():
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    spec_before = template.spec
    first = use("customer-service-escalation", "Team Europe")
    second = use("customer-service-escalation", "Team Americas")

    first.teams.filter(slug="tier-1").update(name="EU front line")
    CustomStatus.objects.filter(workspace=first, name="New").update(name="Fresh")
    SlaPolicy.objects.filter(workspace=first).delete()

    assert second.teams.get(slug="tier-1").name == "Tier 1 support"
    assert second.custom_statuses.filter(name="New").exists()
    assert second.sla_policies.count() == 2
    template.refresh_from_db()
    assert template.spec == spec_before


def test_a_name_already_taken_is_refused_and_creates_nothing():
    use("customer-service-escalation", "Acme support")
    counts = (Workspace.objects.count(), Team.objects.count(), CustomStatus.objects.count())

    with pytest.raises(ValidationError, match="exists already") as refused:
        use("customer-service-escalation", "Acme  Support")

    assert set(refused.value.message_dict) == {"name"}  # the slug was made from the name
    assert (Workspace.objects.count(), Team.objects.count(), CustomStatus.objects.count()) == counts


def test_a_taken_slug_the_caller_chose_is_refused_on_the_slug_and_creates_nothing():
    use("customer-service-escalation", "Acme support")
    counts = (Workspace.objects.count(), Team.objects.count(), CustomStatus.objects.count())

    with pytest.raises(ValidationError) as refused:
        template_instantiate(
            template=WorkflowTemplate.objects.get(slug="customer-service-escalation"),
            name="Another name",
            slug="acme-support",
        )

    assert refused.value.message_dict == {
        "slug": ["A workspace called 'acme-support' exists already."]
    }
    assert (Workspace.objects.count(), Team.objects.count(), CustomStatus.objects.count()) == counts


def test_a_placeholder_team_can_take_the_members_of_an_existing_team():
    existing = TeamFactory(name="Old helpdesk")
    ada, bob = AgentFactory(team=existing), AgentFactory(team=existing)

    workspace = use("customer-service-escalation", "Acme", members_from={"tier-1": existing})

    members = set(workspace.teams.get(slug="tier-1").agents.all())
    assert members == {ada, bob}
    assert set(existing.agents.all()) == {ada, bob}  # they stay where they were, too


def test_a_ticket_in_a_new_workspace_gets_the_customer_it_was_opened_for():
    workspace = use("customer-service-escalation", "Acme")
    customer = CustomerFactory(tier="vip")
    ticket = make_ticket(workspace=workspace, customer=customer, actor=ACTOR, body="Help")
    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "VIP customers"


def test_a_template_policy_kept_for_its_rules_takes_no_ticket_by_itself():
    workspace = use("incident-communication-plan", "Comms")

    values = required_values(workspace)

    ticket = make_ticket(workspace=workspace, actor=ACTOR, body="A question", custom_fields=values)

    ticket.refresh_from_db()
    assert ticket.sla_policy.name == "Incident communications"  # the default
    kept = workspace.sla_policies.get(name="Critical incident")
    assert (kept.has_conditions, kept.applies_to_all) == (False, False)
