"""A template's workflow drawn as the admin draws a workspace's (the README shows one)."""

import yaml

from escalations.tickets.admin.workflow_diagram import workflow_svg
from templates_catalog.checks import template_workflow
from templates_catalog.schema import TemplateError
from templates_catalog.services import TEMPLATE_DIR


def template_diagram(slug: str) -> str:
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
