"""The catalog over the REST API: read the templates, and use one to make a workspace as the
admin's *Use template* does."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from escalations.tickets.models import CustomStatus, Team, Workspace
from escalations.tickets.services.api_tokens import api_token_issue
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db
USE = "/api/templates/customer-service-escalation/use/"


@pytest.fixture
def manager_api(manager_user):
    _, raw = api_token_issue(user=manager_user, days=1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def logged_in(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def counts() -> tuple[int, int, int]:
    return Workspace.objects.count(), Team.objects.count(), CustomStatus.objects.count()


def test_the_catalog_lists_every_template_by_position_with_what_each_sets_up(manager_api):
    last_by_name = WorkflowTemplate.objects.order_by("-name").first()
    WorkflowTemplate.objects.filter(pk=last_by_name.pk).update(position=0)

    answer = manager_api.get("/api/templates/")

    assert answer.status_code == 200
    body = answer.json()
    expected = list(
        WorkflowTemplate.objects.order_by("position", "name").values_list("slug", flat=True)
    )
    assert body["count"] == 10 and [t["slug"] for t in body["results"]] == expected
    assert expected[0] == last_by_name.slug
    listed = next(t for t in body["results"] if t["slug"] == "customer-service-escalation")
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    assert listed == {
        "slug": template.slug,
        "name": template.name,
        "version": template.version,
        "category": template.category,
        "audience": template.audience,
        "description": template.description,
        "position": template.position,
        "sets_up": "3 teams, 7 statuses, 4 fields, 2 SLA policies, 2 rules, 1 document",
    }


def test_one_template_reads_with_the_preview_the_admin_shows(manager_api):
    answer = manager_api.get("/api/templates/customer-service-escalation/")

    assert answer.status_code == 200
    body = answer.json()
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    assert (body["name"], body["version"]) == (template.name, template.version)
    sections = {section["title"]: section["items"] for section in body["preview"]}
    assert "Tier 2 specialists (L2, escalation target)" in sections["Teams"]
    assert "With a specialist → Escalated" in sections["Statuses"]
    assert sections["RACI matrix"] == ["4 activities, 5 roles"]


def test_an_unknown_template_is_404_and_using_it_creates_nothing(manager_api):
    before = counts()

    assert manager_api.get("/api/templates/no-such-template/").status_code == 404
    used = manager_api.post("/api/templates/no-such-template/use/", {"name": "X"}, format="json")

    assert used.status_code == 404
    assert counts() == before


def test_using_a_template_makes_the_workspace_with_its_teams_and_statuses(manager_api):
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")

    answer = manager_api.post(USE, {"name": "Acme support", "slug": "acme"}, format="json")

    assert answer.status_code == 201, answer.json()
    workspace = Workspace.objects.get(slug="acme")
    admin_url = f"http://testserver/admin/escalations/workspace/{workspace.pk}/change/"
    assert answer.json() == {
        "id": workspace.pk,
        "slug": "acme",
        "name": "Acme support",
        "template_slug": "customer-service-escalation",
        "template_version": str(template.version),
        "admin_url": admin_url,
    }
    assert answer["Location"] == admin_url
    spec = template.spec
    assert sorted(workspace.teams.values_list("slug", flat=True)) == sorted(
        team["key"] for team in spec["teams"]
    )
    assert list(workspace.custom_statuses.order_by("position").values_list("name", flat=True)) == [
        status["name"] for status in spec["statuses"]
    ]
    assert workspace.sla_policies.count() == len(spec["sla_policies"])


def test_without_a_slug_the_workspace_takes_one_made_from_its_name(manager_api):
    answer = manager_api.post(USE, {"name": "Acme Support EU"}, format="json")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["slug"] == "acme-support-eu"
    assert Workspace.objects.filter(slug="acme-support-eu", name="Acme Support EU").exists()


def test_a_form_post_as_the_browsable_api_sends_it_uses_the_template(manager_user):
    api = APIClient()
    api.force_login(manager_user)

    answer = api.post(USE, {"name": "Acme support", "csrfmiddlewaretoken": "x"})

    assert answer.status_code == 201, answer.json()
    assert Workspace.objects.filter(slug="acme-support").exists()


def test_a_taken_slug_is_400_on_the_slug_and_creates_nothing(manager_api):
    WorkspaceFactory(slug="acme")
    before = counts()

    answer = manager_api.post(USE, {"name": "Acme support", "slug": "acme"}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"slug": ["A workspace called 'acme' exists already."]}
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "!!!"}, "name"),  # nothing to make a slug from
        ({"name": "Acme", "slug": "not a slug"}, "slug"),
        ({"name": "Acme", "slug": "x" * 61}, "slug"),
        ({"name": "x" * 121}, "name"),
    ],
)
def test_a_missing_name_or_a_bad_slug_is_400_on_that_field_and_creates_nothing(
    manager_api, body, field
):
    before = counts()

    answer = manager_api.post(USE, body, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert counts() == before


def test_an_unknown_field_is_400_naming_it_and_creates_nothing(manager_api):
    before = counts()

    alone = manager_api.post(USE, {"name": "Acme", "colour": "red"}, format="json")
    with_others = manager_api.post(USE, {"colour": "red", "Slug": "acme"}, format="json")

    assert alone.status_code == 400
    assert alone.json() == {"colour": ["Unknown field."]}
    assert with_others.status_code == 400
    assert with_others.json() == {
        "name": ["This field is required."],
        "colour": ["Unknown field."],
        "Slug": ["Unknown field."],
    }
    assert counts() == before


def test_a_body_that_is_not_an_object_is_400_and_creates_nothing(manager_api):
    before = counts()

    answer = manager_api.post(USE, ["Acme"], format="json")

    assert answer.status_code == 400 and "non_field_errors" in answer.json()
    assert counts() == before


def test_without_credentials_the_catalog_is_401_and_nothing_is_created():
    api = APIClient()
    before = counts()

    assert api.get("/api/templates/").status_code == 401
    assert api.get("/api/templates/customer-service-escalation/").status_code == 401
    assert api.post(USE, {"name": "Acme"}, format="json").status_code == 401
    assert counts() == before


def test_reading_the_catalog_takes_the_view_permission(agent_user, read_only_user):
    from tests.helpers.factories import UserFactory

    # Agents and read-only users read the catalog (as in the admin); a login without a role not.
    nobody = UserFactory(username="no-role")
    assert logged_in(nobody).get("/api/templates/").status_code == 403
    detail = logged_in(nobody).get("/api/templates/customer-service-escalation/")
    assert detail.status_code == 403
    assert logged_in(agent_user).get("/api/templates/").status_code == 200
    assert logged_in(read_only_user).get("/api/templates/").status_code == 200


def test_using_a_template_takes_what_the_admin_asks_and_without_it_creates_nothing(
    read_only_user, agent_user
):
    before = counts()

    for user in (read_only_user, agent_user):
        assert logged_in(user).post(USE, {"name": "Mine"}, format="json").status_code == 403
        # refused before the template is looked up: no hint of which templates exist
        unknown = logged_in(user).post("/api/templates/nope/use/", {"name": "Mine"})
        assert unknown.status_code == 403

    assert counts() == before


def test_the_schema_describes_the_catalog_and_refuses_unknown_fields(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    import yaml

    schema = yaml.safe_load((tmp_path / "schema.yml").read_text())
    assert {"/api/templates/", "/api/templates/{slug}/", "/api/templates/{slug}/use/"} <= set(
        schema["paths"]
    )
    use = schema["paths"]["/api/templates/{slug}/use/"]["post"]
    assert set(use["responses"]) == {"201", "400", "404"}
    request = schema["components"]["schemas"]["UseTemplateInputRequest"]
    assert request["additionalProperties"] is False and request["required"] == ["name"]
    assert "description" not in request  # not the mixin's docstring
