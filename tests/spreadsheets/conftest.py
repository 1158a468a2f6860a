import pytest

from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate


@pytest.fixture
def workspaces(db):
    """A workspace from each of the ten templates."""
    return [
        template_instantiate(template=template, name=f"{template.name} here")
        for template in WorkflowTemplate.objects.order_by("position")
    ]
