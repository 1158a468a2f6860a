"""Pickers in the admin offer the object's own workspace's entries: two workspaces made from one
catalog template have teams, statuses and rule sets of the same names. Where several workspaces'
entries are listed together, each label names its workspace; an entry of another workspace
posted by hand is a form error at save time."""

import json

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.test import RequestFactory
from django.urls import resolve, reverse

from escalations.ai.models import QualityChecklist
from escalations.governance.models import EscalationMatrix, RaciMatrix, WorkProcess
from escalations.incidents.models import CommunicationPlan, PlanContact
from escalations.rules.models import Rule, RuleSet
from escalations.sla.models import SlaPolicy
from escalations.tickets.admin.workspace_scope import (
    WorkspaceScopedAdmin,
    WorkspaceScopedInline,
    is_workspace_picker,
    workspace_lookup,
)
from escalations.tickets.models import CustomStatus, Team
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.catalog import required_values
from tests.helpers.factories import AgentFactory, make_ticket

pytestmark = pytest.mark.django_db


def use_itsm(name: str):
    return template_instantiate(template=WorkflowTemplate.objects.get(slug="itsm"), name=name)


@pytest.fixture
def desk(db):
    return use_itsm("ITSM desk")


@pytest.fixture
def lab(desk):
    return use_itsm("ITSM lab")


@pytest.fixture
def manager(client, manager_user):
    client.force_login(manager_user)
    return client


def offered(field) -> set[int]:
    return {int(str(value)) for value, _label in field.choices if str(value)}


def labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if str(value)]


def form_of(page):
    return page.context["adminform"].form if "adminform" in page.context else page.context["form"]


def inline_field(page, prefix: str, name: str):
    for inline in page.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.empty_form.fields[name]
    raise AssertionError(f"no inline {prefix} on the page")


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def service_desk(workspace) -> Team:
    return workspace.teams.get(name="Service desk")


def desk_ticket(workspace):
    return make_ticket(
        workspace=workspace,
        team=service_desk(workspace),
        custom_fields=required_values(workspace),
    )


# Pickers of a saved object


def test_the_ticket_team_picker_lists_only_the_tickets_workspace_teams(manager, desk, lab):
    ticket = desk_ticket(desk)

    page = manager.get(reverse("admin:escalations_ticket_change", args=[ticket.pk]))

    form = form_of(page)
    assert offered(form.fields["team"]) == pks(desk.teams.all())
    assert offered(form.fields["sla_policy"]) == pks(desk.sla_policies.all())
    assert "Service desk (L1)" in labels(form.fields["team"])


def test_the_rule_set_picker_of_a_rule_lists_only_its_workspaces_rule_sets(manager, desk, lab):
    rule = Rule.objects.filter(rule_set__workspace=desk).first()
    assert RuleSet.objects.filter(name="Live (from the template)").count() == 2

    page = manager.get(reverse("admin:escalations_rule_change", args=[rule.pk]))

    assert offered(form_of(page).fields["rule_set"]) == {rule.rule_set_id}


def test_the_status_pickers_of_a_work_process_list_only_its_workspaces_statuses(manager, desk, lab):
    process = WorkProcess.objects.get(workspace=desk)

    page = manager.get(reverse("admin:escalations_workprocess_change", args=[process.pk]))

    fields = form_of(page).fields
    statuses = pks(desk.custom_statuses.all())
    for name in ("open_status", "gated_statuses", "reopen_statuses"):
        assert offered(fields[name]) == statuses, name


def test_the_pickers_of_an_sla_policy_list_only_its_workspaces_ladders_and_statuses(
    manager, desk, lab
):
    policy = SlaPolicy.objects.filter(workspace=desk).first()

    page = manager.get(reverse("admin:escalations_slapolicy_change", args=[policy.pk]))

    fields = form_of(page).fields
    assert offered(fields["ladder"]) == pks(desk.ladders.all())
    assert offered(fields["pause_custom_statuses"]) == pks(desk.custom_statuses.all())


def test_the_team_picker_of_an_ai_policy_lists_only_its_workspaces_teams(manager, desk, lab):
    policy = desk.escalation_policies.first()

    page = manager.get(reverse("admin:escalations_escalationpolicy_change", args=[policy.pk]))

    assert offered(form_of(page).fields["to_team"]) == pks(desk.teams.all())


def _ladder(workspace):
    return "escalationladder", workspace.ladders.first(), "levels", "to_team"


def _process(workspace):
    return "workprocess", WorkProcess.objects.get(workspace=workspace), "steps", "owner_team"


def _raci(workspace):
    return "racimatrix", RaciMatrix.objects.get(workspace=workspace), "roles", "team"


def _communication_plan(workspace):
    plan = CommunicationPlan.objects.create(
        workspace=workspace, title="Outage", critical_incident="A service is down."
    )
    return "communicationplan", plan, "contacts", "team"


def _escalation_matrix(workspace):
    matrix = EscalationMatrix.objects.create(
        workspace=workspace, title="Severity", severities=["SEV1"], levels=["L1"]
    )
    return "escalationmatrix", matrix, "cells", "team"


@pytest.mark.parametrize(
    "make", [_ladder, _process, _raci, _communication_plan, _escalation_matrix]
)
def test_an_inlines_team_picker_lists_only_the_parents_workspace_teams(manager, desk, lab, make):
    model, parent, prefix, name = make(desk)

    page = manager.get(reverse(f"admin:escalations_{model}_change", args=[parent.pk]))

    assert offered(inline_field(page, prefix, name)) == pks(desk.teams.all())


# Save-time validation


def checklist_form(checklist, **overrides):
    data = {
        "workspace": checklist.workspace_id,
        "title": checklist.title,
        "summary": "",
        "error_types": json.dumps(checklist.error_types),
        "items": "[]",
        "escalate_at_once": "[]",
        "recurring_types": "[]",
        "recurrences": "",
        "within_hours": "",
        "to_team": "",
    }
    return {**data, **overrides}


def test_a_team_from_another_workspace_posted_by_hand_is_a_form_error(manager, desk, lab):
    checklist = QualityChecklist.objects.create(
        workspace=desk, title="Replies", error_types=[{"key": "tone", "label": "Tone"}]
    )
    url = reverse("admin:escalations_qualitychecklist_change", args=[checklist.pk])

    refused = manager.post(url, checklist_form(checklist, to_team=service_desk(lab).pk))

    assert refused.status_code == 200
    assert "another workspace" in form_of(refused).errors["to_team"][0]
    checklist.refresh_from_db()
    assert checklist.to_team is None
    saved = manager.post(url, checklist_form(checklist, to_team=service_desk(desk).pk))
    assert saved.status_code == 302
    checklist.refresh_from_db()
    assert checklist.to_team == service_desk(desk)


def test_a_new_objects_pickers_hold_to_the_workspace_chosen_in_its_form(manager, desk, lab):
    new = QualityChecklist(workspace=desk, title="Replies", error_types=[{"key": "tone"}])

    refused = manager.post(
        reverse("admin:escalations_qualitychecklist_add"),
        checklist_form(new, to_team=service_desk(lab).pk),
    )

    assert refused.status_code == 200
    assert "to_team" in form_of(refused).errors
    assert not QualityChecklist.objects.exists()


def test_statuses_from_another_workspace_posted_by_hand_are_a_form_error(manager, desk, lab):
    stranger = CustomStatus.objects.filter(workspace=lab).first()

    refused = manager.post(
        reverse("admin:escalations_slapolicy_add"),
        {
            "workspace": desk.pk,
            "name": "Premium",
            "position": 9,
            "warning_percent": 75,
            "pause_custom_statuses": [stranger.pk],
            "targets-TOTAL_FORMS": 1,
            "targets-INITIAL_FORMS": 0,
            "targets-0-priority": 20,
            "targets-0-first_response_minutes": 30,
        },
    )

    assert refused.status_code == 200
    assert "another workspace" in form_of(refused).errors["pause_custom_statuses"][0]
    assert not SlaPolicy.objects.filter(name="Premium").exists()


def test_an_inline_team_from_another_workspace_posted_by_hand_is_a_form_error(manager, desk, lab):
    _model, plan, _prefix, _name = _communication_plan(desk)
    url = reverse("admin:escalations_communicationplan_change", args=[plan.pk])

    refused = manager.post(
        url,
        {
            "workspace": desk.pk,
            "title": plan.title,
            "critical_incident": plan.critical_incident,
            "update_every_minutes": plan.update_every_minutes,
            "contacts-TOTAL_FORMS": 1,
            "contacts-INITIAL_FORMS": 0,
            "contacts-0-position": 1,
            "contacts-0-name": "Duty manager",
            "contacts-0-team": service_desk(lab).pk,
            "contacts-0-channel": "email",
            "steps-TOTAL_FORMS": 0,
            "steps-INITIAL_FORMS": 0,
        },
    )

    assert refused.status_code == 200
    assert "another workspace" in refused.content.decode()
    assert not PlanContact.objects.exists()


# Several workspaces listed together: the labels name the workspace


def _add_page(model, field):
    return pytest.param(lambda: (reverse(f"admin:escalations_{model}_add"), field), id=model)


def _use_template():
    template = WorkflowTemplate.objects.get(slug="itsm")
    url = reverse("admin:templates_catalog_workflowtemplate_use", args=[template.pk])
    return url, "members_service-desk"


@pytest.mark.parametrize(
    "page",
    [
        _add_page("ticket", "team"),
        _add_page("qualitychecklist", "to_team"),
        _add_page("escalationpolicy", "to_team"),
        _add_page("agent", "teams"),
        _add_page("escalation", "to_team"),
        pytest.param(
            lambda: (reverse("admin:escalations_escalation_reports"), "team"), id="reports"
        ),
        pytest.param(_use_template, id="use-template"),
    ],
)
def test_pickers_for_a_new_object_name_the_workspace(manager, desk, lab, page):
    url, name = page()

    listed = labels(form_of(manager.get(url)).fields[name])

    for workspace in ("ITSM desk", "ITSM lab"):
        assert any(label.endswith(f" — {workspace}") for label in listed), (workspace, listed)


def test_the_status_pickers_of_a_new_sla_policy_name_the_workspace(manager, desk, lab):
    page = manager.get(reverse("admin:escalations_slapolicy_add"))

    listed = labels(form_of(page).fields["pause_custom_statuses"])

    assert "Waiting on vendor (On hold) — ITSM desk" in listed
    assert "Waiting on vendor (On hold) — ITSM lab" in listed


@pytest.mark.parametrize(
    ("model", "entry"),
    [
        ("ticket", service_desk),
        ("agent", service_desk),
        ("rule", lambda workspace: RuleSet.objects.get(workspace=workspace)),
        ("stepsignoff", lambda workspace: WorkProcess.objects.get(workspace=workspace)),
    ],
)
def test_list_filters_name_the_workspace_of_each_choice(manager, desk, lab, model, entry):
    desk_ticket(desk)
    desk_ticket(lab)
    AgentFactory(team=service_desk(lab))

    listing = manager.get(reverse(f"admin:escalations_{model}_changelist"))

    text = listing.content.decode()
    assert f"{entry(desk)} — ITSM desk" in text
    assert f"{entry(lab)} — ITSM lab" in text


def test_autocomplete_results_name_the_workspace(manager, desk, lab):
    answer = manager.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "escalations",
            "model_name": "teammembership",
            "field_name": "team",
            "term": "Service desk",
        },
    )

    texts = sorted(result["text"] for result in answer.json()["results"])
    assert texts == ["Service desk (L1) — ITSM desk", "Service desk (L1) — ITSM lab"]


def test_every_admin_page_with_workspace_pickers_scopes_them(admin_user):
    request = RequestFactory().get("/admin/")
    request.user, request.resolver_match = admin_user, resolve("/admin/")

    def on_workspace_entries(model, entry: str) -> bool:
        field = get_fields_from_path(model, entry)[-1]
        return field.is_relation and bool(workspace_lookup(field.related_model))

    def has_pickers(form) -> bool:
        return any(is_workspace_picker(field) for field in form.base_fields.values())

    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("escalations", "templates_catalog"):
            continue
        filters = [
            entry
            for entry in model_admin.list_filter
            if isinstance(entry, str) and on_workspace_entries(model, entry)
        ]
        editable = model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request
        )
        pickers = editable and has_pickers(model_admin.get_form(request, None))
        if (pickers or filters) and not isinstance(model_admin, WorkspaceScopedAdmin):
            unscoped.append(type(model_admin).__name__)
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            if has_pickers(inline.get_formset(request, None).form) and not isinstance(
                inline, WorkspaceScopedInline
            ):
                unscoped.append(inline_class.__name__)
    assert unscoped == []
