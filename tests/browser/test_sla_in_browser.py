import re
from datetime import timedelta

import pytest

from escalations.core import clock
from escalations.sla.models import ClockState, SlaPolicy
from escalations.tickets.models import Ticket, TicketStatus
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_finds_breached_tickets_and_reads_their_clocks(page, demo, screenshot):
    log_in(page, demo)
    breached = Ticket.objects.filter(
        status__in=[TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ESCALATED],
        sla_due_at__lt=clock.now(),
    )
    assert breached.exists()  # the demo's history includes missed deadlines

    # the list filtered to breached tickets, soonest-due first
    page.goto(f"{demo}/admin/escalations/ticket/?sla=breached&o={_sla_column(page, demo)}")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == breached.count()
    most_overdue = breached.order_by("sla_due_at").first()
    assert rows.first.inner_text().startswith(f"#{most_overdue.pk}\t")
    assert "breached" in rows.first.inner_text().lower()
    screenshot(page, "sla-breached-list")

    # the ticket's SLA tab: its clocks with target, due time, elapsed and state
    ticket = most_overdue
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")
    fieldset_tab(page, "SLA").click()
    table = page.locator("[data-testid=sla-clocks]")
    table.wait_for()
    states = set(ticket.sla_clocks.values_list("state", flat=True))
    assert ClockState.BREACHED in states
    assert "Breached" in table.inner_text()
    assert ticket.sla_policy.name in page.locator("body").inner_text()
    timeline = page.locator("[data-testid=sla-timeline]")
    assert timeline.locator("span[title='past the deadline']").count() >= 1
    timeline.scroll_into_view_if_needed()
    screenshot(page, "sla-clocks")


def test_manager_snoozes_a_ticket_from_its_page(page, demo):
    log_in(page, demo)
    ticket = Ticket.objects.filter(status=TicketStatus.OPEN).order_by("pk").first()
    until = clock.now() + timedelta(days=2)
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")
    fieldset_tab(page, "Lifecycle").click()
    local = until.astimezone(clock.now().astimezone().tzinfo)
    page.fill("input[name=snoozed_until_0]", local.strftime("%Y-%m-%d"))
    page.fill("input[name=snoozed_until_1]", local.strftime("%H:%M:%S"))
    page.locator("input[name=_continue], button[name=_continue]").first.click()
    page.get_by_text("was changed successfully").wait_for()

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    assert ticket.snoozed_until is not None
    assert abs((ticket.snoozed_until - until).total_seconds()) < 2


def test_manager_reads_an_sla_policy(page, demo, screenshot):
    log_in(page, demo)
    policy = SlaPolicy.objects.get(name="VIP and enterprise")
    page.goto(f"{demo}/admin/escalations/slapolicy/")
    page.get_by_role("link", name="VIP and enterprise").click()
    page.wait_for_url(f"**/slapolicy/{policy.pk}/change/")
    body = page.locator("body").inner_text()
    assert "VIP ladder" in body
    screenshot(page, "sla-policy")


def fieldset_tab(page, name: str):
    """A tab of the change form's fieldsets (links without an address, switched in place)."""
    return page.locator("a:not([href])", has_text=re.compile(rf"^\s*{name}\s*$"))


def _sla_column(page, base_url) -> int:
    """The list's column number of the SLA column (for sorting by time left)."""
    page.goto(f"{base_url}/admin/escalations/ticket/")
    headers = page.locator("#result_list thead th")
    for index in range(headers.count()):
        if headers.nth(index).inner_text().strip() == "SLA":
            return index
    raise AssertionError("no SLA column on the ticket list")
