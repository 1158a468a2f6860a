"""A quality-control item walked through its workspace's own workflow in the admin, sign-offs
included: Flagged by AI → In review → Awaiting Approval → (sign-off) Approved → Re-approval →
Awaiting Approval → (sign-off again) Approved."""

import re

import pytest

from escalations.core.models import EventType
from escalations.tickets.models import Ticket
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _move(page, ticket, to: str) -> None:
    page.locator("#lifecycle-panel").get_by_role("button", name=f"Move to {to}").click()
    page.get_by_text(re.compile(rf"Ticket #{ticket.pk} is now {re.escape(to)}\b")).wait_for()


def _sign_off(page, demo, ticket, senior: str) -> None:
    page.context.clear_cookies()
    log_in(page, demo, username=senior)
    page.goto(f"{demo}/admin/escalations/stepsignoff/?state__exact=pending")
    row = page.locator("#result_list tbody tr").filter(has_text=f"#{ticket.pk}")
    row.get_by_role("link", name="Sign off…").click()
    page.select_option("#id_decision", "approve")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Senior moderator approval: decision recorded.").wait_for()
    page.context.clear_cookies()
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")


def test_a_quality_control_item_walks_its_workflow_with_its_sign_offs(page, demo, screenshot):
    ticket = Ticket.objects.filter(
        workspace__slug="moderation", custom_status__slug="flagged-by-ai"
    ).first()
    senior = ticket.workspace.teams.get(slug="senior-review").memberships.first().agent
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")
    panel = page.locator("#lifecycle-panel")
    assert panel.locator("[data-testid=workflow-status]").text_content().strip() == "Flagged by AI"
    # only what the workflow allows next is offered: In review, or trust and safety
    assert sorted(
        panel.locator("[data-status]").evaluate_all("(els) => els.map(e => e.dataset.status)")
    ) == [
        "in-review",
        "with-trust-and-safety",
    ]

    _move(page, ticket, "In review")
    _move(page, ticket, "Awaiting Approval")
    # Approved waits for the senior moderator: offered, but closed, with what it needs
    approve = panel.locator("button[data-status=approved]")
    assert approve.is_disabled()
    assert (
        "Senior moderator approval (by Senior moderators)"
        in panel.locator("[data-testid=missing-sign-offs]").inner_text()
    )
    screenshot(page, "workflow-awaiting-approval")

    _sign_off(page, demo, ticket, senior.user.username)
    _move(page, ticket, "Approved")
    _move(page, ticket, "Re-approval")
    _move(page, ticket, "Awaiting Approval")
    # coming back for approval asks for the sign-off again
    assert page.locator("#lifecycle-panel button[data-status=approved]").is_disabled()
    _sign_off(page, demo, ticket, senior.user.username)
    _move(page, ticket, "Approved")

    moves = ticket.events.filter(event_type=EventType.CUSTOM_STATUS_CHANGED).order_by("id")
    assert [event.data["to_status"] for event in moves] == [
        "in-review",
        "awaiting-approval",
        "approved",
        "re-approval",
        "awaiting-approval",
        "approved",
    ]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.custom_status.name) == ("resolved", "Approved")


def test_the_workspace_page_draws_its_workflow(page, demo, screenshot):
    from escalations.tickets.models import Workspace

    workspace = Workspace.objects.get(slug="moderation")
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/workspace/{workspace.pk}/change/")
    diagram = page.locator("[data-testid=workflow-diagram]")
    diagram.wait_for()
    drawn = diagram.locator("g[data-status]").evaluate_all(
        "(els) => els.map(e => e.dataset.status)"
    )
    assert len(drawn) == workspace.custom_statuses.count()
    screenshot(page, "workflow-diagram", full_page=True)
