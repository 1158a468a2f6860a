"""The catalog: exactly ten template files, each valid, loaded idempotently; a broken file is
refused naming the file and the field, and nothing is loaded from a set with a broken file."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from templates_catalog.models import WorkflowTemplate
from templates_catalog.schema import TemplateError, template_problems
from templates_catalog.services import TEMPLATE_DIR, catalog_load, template_read

FILES = sorted(TEMPLATE_DIR.glob("*.yaml"))
EXAMPLE = TEMPLATE_DIR / "customer-service-escalation.yaml"

pytestmark = pytest.mark.django_db


def spec_of(path: Path = EXAMPLE) -> dict:
    return yaml.safe_load(path.read_text())


def write(directory: Path, spec: dict) -> Path:
    path = directory / f"{spec['slug']}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False))
    return path


def test_there_are_exactly_ten_templates_and_set_up_loaded_them_all():
    assert len(FILES) == 10
    loaded = list(WorkflowTemplate.objects.values_list("slug", flat=True))
    assert sorted(loaded) == sorted(path.stem for path in FILES)
    assert [t.position for t in WorkflowTemplate.objects.all()] == list(range(1, 11))


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_each_template_file_is_valid(path):
    spec, checksum = template_read(path)
    assert spec["format"] == 1 and spec["slug"] == path.stem and len(checksum) == 64


def test_loading_twice_changes_nothing():
    before = list(WorkflowTemplate.objects.values("slug", "checksum", "loaded_at"))
    history = WorkflowTemplate.history.count()

    report = catalog_load()

    assert (report.added, report.updated, len(report.unchanged)) == ([], [], 10)
    assert list(WorkflowTemplate.objects.values("slug", "checksum", "loaded_at")) == before
    assert WorkflowTemplate.history.count() == history


def test_a_broken_file_is_refused_naming_the_file_and_the_field(tmp_path):
    spec = spec_of()
    spec["teams"][1]["tier"] = 4
    write(tmp_path, spec)

    with pytest.raises(TemplateError) as refused:
        catalog_load(tmp_path)

    assert "customer-service-escalation.yaml: teams[1].tier: 4 is not one of [1, 2, 3]" in str(
        refused.value
    )


def test_a_set_with_one_broken_file_loads_nothing(tmp_path):
    good = spec_of()
    good.update(slug="a-new-template", name="A new template")
    write(tmp_path, good)
    broken = spec_of()
    broken.update(slug="broken")
    del broken["teams"]
    write(tmp_path, broken)

    with pytest.raises(TemplateError, match=r"broken.yaml: \(the file\): 'teams' is a required"):
        catalog_load(tmp_path)

    assert not WorkflowTemplate.objects.filter(slug="a-new-template").exists()


def test_a_changed_file_must_raise_its_version(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    catalog_load(tmp_path)
    spec = spec_of()
    spec["description"] = "Changed."
    write(tmp_path, spec)

    version = spec["version"]
    with pytest.raises(TemplateError, match=rf"its version is still {version}"):
        catalog_load(tmp_path)

    spec["version"] = version + 1
    write(tmp_path, spec)
    report = catalog_load(tmp_path)
    template = WorkflowTemplate.objects.get(slug=spec["slug"])
    assert report.updated == [spec["slug"]]
    assert (template.version, template.description) == (version + 1, "Changed.")


def test_unreadable_yaml_names_the_file(tmp_path):
    (tmp_path / "garbled.yaml").write_text("slug: [unclosed\n")
    with pytest.raises(TemplateError, match=r"garbled\.yaml: not readable YAML"):
        catalog_load(tmp_path)


def test_a_file_named_unlike_its_slug_is_refused(tmp_path):
    spec = spec_of()
    (tmp_path / "other-name.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(TemplateError, match=r"other-name\.yaml: slug"):
        catalog_load(tmp_path)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda s: s["raci"]["activities"][0]["assignments"].update({"Tier 1 agent": "A"}),
            "raci.activities[0]: exactly one Accountable per activity",
        ),
        (
            lambda s: s["raci"]["activities"][0]["assignments"].update({"Ghost": "C"}),
            "raci.activities[0].assignments: no role 'Ghost'",
        ),
        (
            lambda s: s["rules"][1]["actions"][0].update({"value": "nobody"}),
            "rules[1].actions:",
        ),
        (
            lambda s: s["rules"][0].update({"condition": {"field": "nonsense", "op": "eq"}}),
            "rules[0].condition:",
        ),
        (
            lambda s: s["status_transitions"][0]["to"].append("Nowhere"),
            "status_transitions[0]: no status 'Nowhere'",
        ),
        (
            lambda s: s["ladders"][0]["levels"][1].update({"to_team": "tier-9"}),
            "ladders[0].levels[1].to_team: no team 'tier-9'",
        ),
        (
            lambda s: s["sla_policies"][0].update({"ladder": "No such ladder"}),
            "sla_policies[0].ladder: no ladder 'No such ladder'",
        ),
        (
            lambda s: s["escalation_policies"][0].update({"required_fields": ["missing"]}),
            "escalation_policies[0].required_fields: no field 'missing'",
        ),
        (
            lambda s: s["statuses"].append(
                {"name": "Also new", "lifecycle": "new", "default": True}
            ),
            "statuses: two defaults for the 'new' lifecycle state",
        ),
        (
            lambda s: s["statuses"].extend(
                {"name": f"Extra {n}", "lifecycle": "open"} for n in range(14)
            ),
            "statuses: [",
        ),
    ],
    ids=[
        "two-accountables",
        "unknown-raci-role",
        "rule-to-unknown-team",
        "bad-condition",
        "unknown-status",
        "ladder-to-unknown-team",
        "unknown-ladder",
        "unknown-required-field",
        "two-defaults",
        "more-than-twenty-statuses",
    ],
)
def test_what_the_shape_cannot_say_is_checked_too(change, problem):
    spec = spec_of()
    change(spec)
    problems = template_problems(spec)
    assert any(p.startswith(problem) for p in problems), problems


def test_the_command_loads_the_catalog_and_refuses_a_broken_set(tmp_path, monkeypatch):
    out = StringIO()
    call_command("handoff_templates", stdout=out)
    assert out.getvalue().strip() == "Template catalog: 0 added, 0 updated, 10 unchanged."

    spec = spec_of()
    spec["version"] = "two"
    write(tmp_path, spec)
    monkeypatch.setattr(
        "templates_catalog.management.commands.handoff_templates.catalog_load",
        lambda: catalog_load(tmp_path),
    )
    with pytest.raises(CommandError, match="version: 'two' is not of type 'integer'"):
        call_command("handoff_templates")


def test_a_rule_may_read_the_custom_fields_the_template_declares():
    spec = spec_of()
    spec["rules"][0]["condition"] = {
        "field": "custom.escalation_reason",
        "op": "is",
        "value": "High-risk topic",
    }
    assert template_problems(spec) == []
    spec["rules"][0]["condition"]["value"] = "Not one of the choices"
    assert any(p.startswith("rules[0].condition:") for p in template_problems(spec))
    spec["rules"][0]["condition"]["field"] = "custom.not_declared"
    assert any(p.startswith("rules[0].condition:") for p in template_problems(spec))


def test_an_escalation_matrix_must_fill_every_cell():
    spec = spec_of(TEMPLATE_DIR / "incident-escalation-matrix.yaml")
    matrix = next(d for d in spec["documents"] if d["kind"] == "escalation_matrix")
    gone = matrix["cells"].pop()
    problems = template_problems(spec)
    assert any(
        f"missing {gone['level']} with {gone['severity']}" in problem for problem in problems
    ), problems


def test_a_status_move_the_lifecycle_cannot_make_in_one_step_is_refused():
    import copy

    import yaml

    from templates_catalog.schema import template_problems
    from templates_catalog.services import TEMPLATE_DIR

    spec = yaml.safe_load((TEMPLATE_DIR / "itsm.yaml").read_text())
    broken = copy.deepcopy(spec)
    broken["statuses"].append({"name": "Archived", "lifecycle": "closed"})
    broken["status_transitions"].append({"from": "Logged", "to": ["Archived"]})
    assert template_problems(spec) == []
    last = len(broken["status_transitions"]) - 1
    assert template_problems(broken) == [
        f"status_transitions[{last}]: Logged (new) cannot move to Archived (closed) in one "
        "lifecycle step"
    ]


def test_a_workflow_the_templates_own_escalations_cannot_follow_is_refused_naming_file_and_status(
    tmp_path,
):
    import yaml

    from templates_catalog.schema import TemplateError
    from templates_catalog.services import TEMPLATE_DIR, template_read

    # given the quality-control template without its any-status escalation status
    spec = yaml.safe_load((TEMPLATE_DIR / "quality-control-checklist.yaml").read_text())
    for status in spec["statuses"]:
        status.pop("from_any", None)
    broken = tmp_path / "quality-control-checklist.yaml"
    broken.write_text(yaml.safe_dump(spec, sort_keys=False))

    # then reading it is refused, naming the file, the landing status and where it is stranded
    with pytest.raises(TemplateError) as refused:
        template_read(broken)
    assert str(refused.value) == (
        "quality-control-checklist.yaml: workflow: An escalation lands in With trust and "
        "safety, which cannot be reached from Waiting on author: allow the move, or let With "
        "trust and safety be entered from any status."
    )
