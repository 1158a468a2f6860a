import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reports_page_draws_every_chart_with_data(page, demo, screenshot):
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/escalation/reports/")
    page.locator("#report-cards").wait_for()
    canvases = page.locator("canvas.chart")
    assert canvases.count() == 6
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas.chart')].map((canvas) => {
            const chart = Chart.getChart(canvas);
            if (!chart) return null;
            return chart.data.datasets.reduce(
                (sum, set) => sum + set.data.reduce((a, b) => a + Number(b || 0), 0), 0);
        })"""
    )
    assert all(total is not None for total in drawn), drawn  # Chart.js drew each one
    assert all(total > 0 for total in drawn), drawn
    assert int(page.locator('[data-figure="total"]').inner_text()) > 0
    screenshot(page, "escalation-reports", full_page=True)

    page.get_by_role("link", name="CSV").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
