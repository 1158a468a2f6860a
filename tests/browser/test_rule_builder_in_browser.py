import pytest

from escalations.rules.models import Rule, RuleSet
from escalations.tickets.models import Ticket
from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_builds_a_rule_without_code_and_dry_runs_it(page, demo, screenshot):
    base = demo
    log_in(page, base)

    page.goto(f"{base}/admin/escalations/rule/add/")
    live = RuleSet.objects.get(is_live=True, workspace__slug="support")
    page.select_option("#id_rule_set", str(live.pk))
    page.fill("#id_name", "Premium customers with unsure AI")
    page.get_by_label("Ticket created").check()
    builder = page.locator("[data-testid=condition-builder]")
    builder.locator("[data-testid=add-row]").click()
    builder.locator("[data-testid=row-field]").nth(0).select_option("customer.tier")
    builder.locator("[data-testid=row-op]").nth(0).select_option("in")
    builder.locator("[data-testid=row-value]").nth(0).fill("premium, vip")
    builder.locator("[data-testid=add-row]").click()
    builder.locator("[data-testid=row-field]").nth(1).select_option("ai_confidence")
    builder.locator("[data-testid=row-op]").nth(1).select_option("lt")
    builder.locator("[data-testid=row-value]").nth(1).fill("0.8")
    actions = page.locator("[data-testid=action-list]")
    actions.locator("[data-testid=add-action]").click()
    actions.locator("[data-testid=action-type]").nth(0).select_option("add_tags")
    actions.locator("[data-testid=action-value]").nth(0).fill("watch")
    actions.locator("[data-testid=add-action]").click()
    actions.locator("[data-testid=action-type]").nth(1).select_option("add_note")
    actions.locator("[data-testid=action-detail]").nth(1).fill("Check this one by hand.")
    page.locator("#id_name").scroll_into_view_if_needed()
    screenshot(page, "rule-builder")
    page.locator("[name=_save]").click()
    page.wait_for_url(f"{base}/admin/escalations/rule/")

    rule = Rule.objects.get(name="Premium customers with unsure AI")
    assert rule.actions == [
        {"type": "add_tags", "value": ["watch"]},
        {"type": "add_note", "detail": "Check this one by hand."},
    ]
    assert rule.condition == {
        "all": [
            {"field": "customer.tier", "op": "in", "value": ["premium", "vip"]},
            {"field": "ai_confidence", "op": "lt", "value": "0.8"},
        ]
    }

    # the rule can be tried on a ticket before anything happens for real
    ticket = Ticket.objects.filter(customer__tier="premium", ai_confidence__lt=0.8).first()
    page.goto(f"{base}/admin/escalations/ticket/{ticket.pk}/change/")
    page.get_by_role("link", name="Dry-run rules").click()
    card = page.locator(f"[data-rule='{rule.pk}']")
    assert card.get_by_text("would fire").is_visible()
    assert card.get_by_text("add_tags: ['watch']").is_visible()
    screenshot(page, "dry-run")
