"""Loading the catalog from the template files in `fixtures/templates/`, and drawing a
template's workflow from its file."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from escalations.core import clock
from escalations.tickets.admin.workflow_diagram import workflow_svg
from templates_catalog.checks import template_workflow
from templates_catalog.models import WorkflowTemplate
from templates_catalog.schema import TemplateError, template_check

TEMPLATE_DIR = Path(settings.BASE_DIR) / "fixtures" / "templates"


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"
        )


def template_read(path: Path) -> tuple[dict, str]:
    """A template file's spec, checked, and the checksum of its bytes."""
    raw = path.read_bytes()
    try:
        spec = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path.name}: not readable YAML ({exc})") from None
    template_check(spec, source=path.name)
    if path.stem != spec["slug"]:
        raise TemplateError(f"{path.name}: slug: {spec['slug']!r} is not the file's name")
    return spec, hashlib.sha256(raw).hexdigest()


@transaction.atomic
def catalog_load(directory: Path = TEMPLATE_DIR) -> LoadReport:
    """Load every template file; all or nothing. A file already loaded as it is changes
    nothing; a changed file must raise its version to replace the loaded one."""
    report = LoadReport()
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise TemplateError(f"{directory}: no template files (*.yaml)")
    specs = [(path, *template_read(path)) for path in paths]
    now = clock.now()
    for index, (path, spec, checksum) in enumerate(specs, start=1):
        position = spec.get("position", 100 + index)
        loaded = WorkflowTemplate.objects.filter(slug=spec["slug"]).first()
        if loaded is not None and loaded.checksum == checksum and loaded.position == position:
            report.unchanged.append(spec["slug"])
            continue
        if loaded is not None and loaded.checksum != checksum and spec["version"] <= loaded.version:
            raise TemplateError(
                f"{path.name}: version: the file changed but its version is still "
                f"{spec['version']} (loaded: {loaded.version}); raise it"
            )
        values = {
            "version": spec["version"],
            "name": spec["name"],
            "category": spec["category"],
            "audience": spec["audience"],
            "description": spec["description"].strip(),
            "spec": spec,
            "source": f"fixtures/templates/{path.name}",
            "checksum": checksum,
            "position": position,
            "loaded_at": now,
        }
        _, created = WorkflowTemplate.objects.update_or_create(slug=spec["slug"], defaults=values)
        (report.added if created else report.updated).append(spec["slug"])
    return report


def template_diagram(slug: str) -> str:
    """A template's workflow drawn as the admin draws a workspace's (the README shows one)."""
    path = TEMPLATE_DIR / f"{slug}.yaml"
    if not path.exists():
        raise TemplateError(f"{path.name}: no such template")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    workflow = template_workflow(spec)
    names = {
        name
        for document in spec.get("documents", [])
        for part in [document, *document.get("approvals", []), document.get("approval") or {}]
        if isinstance(part, dict)
        for name in part.get("gated_statuses", [])
    }
    gated = frozenset(s.slug for s in workflow.statuses if s.name in names)
    return str(workflow_svg(workflow, gated=gated)) + "\n"
