import re

import pytest

from escalations.tickets.models import Workspace
from templates_catalog.models import WorkflowTemplate
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_picks_a_template_from_the_catalog_and_uses_it(page, demo, screenshot):
    log_in(page, demo)
    page.goto(f"{demo}/admin/templates_catalog/workflowtemplate/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 10
    screenshot(page, "template-catalog")

    page.get_by_role("link", name="Customer-service escalation").click()
    preview = page.locator("#template-preview")
    preview.get_by_text("Tier 2 specialists (L2, escalation target)").wait_for()
    assert preview.get_by_text("Missed first response: Remind Tier 1").is_visible()
    screenshot(page, "template-preview")

    page.locator("#use-template-link").click()
    page.fill("#id_name", "Acme support")
    page.get_by_role("button", name="Create the workspace").click()
    page.get_by_text(
        re.compile(r"Acme support is ready, made from Customer-service escalation \(v\d+\)")
    ).wait_for()

    workspace = Workspace.objects.get(slug="acme-support")
    template = WorkflowTemplate.objects.get(slug="customer-service-escalation")
    assert (workspace.template_slug, workspace.template_version) == (
        template.slug,
        str(template.version),
    )
    assert workspace.teams.count() == 3 and workspace.custom_statuses.count() == 7
