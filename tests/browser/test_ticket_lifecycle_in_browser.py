import re

import pytest

from escalations.core.models import EventType
from escalations.demo.seed import MANAGER_USERNAME
from escalations.tickets.models import Agent, Team, Ticket, TicketStatus
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_moves_a_demo_ticket_through_two_of_its_workspace_statuses(page, demo, screenshot):
    log_in(page, demo)
    escalated = Ticket.objects.filter(status=TicketStatus.ESCALATED).count()
    assert escalated >= 10  # the played escalations, and the VIP ladder's at load
    assert page.locator("[data-testid=overview-escalated]").inner_text().split()[-1] == str(
        escalated
    )
    screenshot(page, "front-page")
    page.goto(f"{demo}/admin/escalations/ticket/")
    assert page.locator("#result_list tbody tr").count() == 50
    screenshot(page, "ticket-list")

    ticket = Ticket.objects.filter(status=TicketStatus.NEW).order_by("pk").first()
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")
    panel = page.locator("#lifecycle-panel")
    assert panel.locator("button[value=closed]").count() == 0  # not allowed from New

    # when the manager starts work, with a reason
    panel.locator("input[name=reason]").fill("Picking this up")
    panel.get_by_role("button", name="Move to In progress").click()
    page.get_by_text(re.compile(rf"Ticket #{ticket.pk} is now In progress\b")).wait_for()

    # and then waits on the customer
    page.locator("#lifecycle-panel").get_by_role(
        "button", name="Move to Waiting for customer"
    ).click()
    page.get_by_text(re.compile(rf"Ticket #{ticket.pk} is now Waiting for customer\b")).wait_for()

    # then both moves are in the audit trail, with who, from, to and why
    moves = ticket.events.filter(event_type=EventType.STATUS_CHANGED).order_by("id")
    assert list(moves.values_list("actor_label", "from_value", "to_value", "reason")) == [
        (MANAGER_USERNAME, "new", "open", "Picking this up"),
        (MANAGER_USERNAME, "open", "pending", ""),
    ]
    page.locator("#tabs-wrapper").get_by_role("link", name="Audit trail").click()
    page.get_by_text("Status: New → In progress", exact=True).wait_for()
    assert page.get_by_text("Lifecycle state: New → Open", exact=True).is_visible()
    assert page.get_by_text("Status: In progress → Waiting for customer", exact=True).is_visible()


def test_a_stale_page_cannot_move_a_ticket(browser, page, demo):
    log_in(page, demo)
    ticket = Ticket.objects.filter(status=TicketStatus.OPEN).order_by("pk").first()
    url = f"{demo}/admin/escalations/ticket/{ticket.pk}/change/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    other.locator("#lifecycle-panel").get_by_role("button", name="Move to Solved").click()
    other.get_by_text("is now Solved").wait_for()
    page.locator("#lifecycle-panel").get_by_role(
        "button", name="Move to Waiting for warehouse"
    ).click()

    page.get_by_text(re.compile("changed since you looked at it: it is Solved now")).wait_for()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_l1_agent_escalates_to_billing_and_the_billing_agent_finds_it_assigned(
    page, demo, screenshot
):
    # Yong, an L1 agent, cannot solve a billing problem on a ticket of his
    yong = Agent.objects.get(user__username="yong")
    ticket = Ticket.objects.filter(status=TicketStatus.OPEN, team__slug="general").first()
    log_in(page, demo, username="yong")
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")

    page.get_by_role("link", name="Escalate: Escalated…").click()
    offered = page.locator("#id_to_team option").all_inner_texts()
    assert "Billing (L2)" in offered and not any("General" in o for o in offered)
    page.select_option("#id_to_team", label="Billing (L2)")
    page.fill("#id_summary", "Customer was charged twice; needs a refund approval.")
    screenshot(page, "escalate-form")
    page.get_by_role("button", name="Escalate", exact=True).click()

    # he is told it is done, and who has it now
    ticket.refresh_from_db()
    owner = ticket.assignee
    assert (ticket.status, ticket.team.name, ticket.tier) == ("escalated", "Billing", 2)
    assert owner is not None and owner != yong and ticket.team in owner.teams.all()
    page.get_by_text(
        f"Ticket #{ticket.pk} was escalated to Billing (L2): assigned to {owner.display_name}"
    ).wait_for()

    # the Billing agent finds the notification with the summary, and the ticket with its context
    page.context.clear_cookies()
    log_in(page, demo, username=owner.user.username)
    page.goto(f"{demo}/admin/escalations/notification/")
    # (beside the escalation matrix's notice of the same ticket: the level's contact and deadline)
    notices = page.locator("#result_list tbody tr").filter(has_text=f"#{ticket.pk}")
    assert any("needs a refund approval" in text for text in notices.all_inner_texts())
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/change/")
    package = page.locator("[data-testid=handoff-package]")
    assert package.get_by_text("needs a refund approval").first.is_visible()
    assert page.get_by_text("Escalation summary: Customer was charged twice").first.is_visible()
    page.set_viewport_size({"width": 1440, "height": 1500})
    screenshot(page, "ticket-escalated")


def test_the_escalate_forms_agents_follow_the_team_chosen(page, demo):
    ticket = Ticket.objects.filter(status=TicketStatus.OPEN, team__slug="general").first()
    log_in(page, demo, username="yong")
    page.goto(f"{demo}/admin/escalations/ticket/{ticket.pk}/escalate/")

    def offered() -> set[int]:
        return set(
            page.eval_on_selector_all(
                "#id_to_agent option",
                "options => options.filter(o => o.value && !o.hidden).map(o => Number(o.value))",
            )
        )

    for name in ("Billing", "Technical Support"):
        team = Team.objects.get(workspace=ticket.workspace, name=name)
        page.select_option("#id_to_team", value=str(team.pk))
        members = set(team.agents.values_list("pk", flat=True))
        assert members and offered() == members
