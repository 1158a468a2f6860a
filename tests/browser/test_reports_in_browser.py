import pytest

from tests.helpers.browser import log_in

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


def test_the_report_charts_have_wide_bars_axes_and_a_legend(page, demo):
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/escalation/reports/")
    page.locator("#report-cards").wait_for()
    charts = page.evaluate(
        """() => [...document.querySelectorAll('canvas.chart')].map((canvas) => {
            const chart = Chart.getChart(canvas);
            const widths = chart.data.datasets.flatMap((set, i) =>
                chart.getDatasetMeta(i).data.filter((bar, j) => Number(set.data[j]) > 0)
                    .map((bar) => bar.width));
            return {
                legend: chart.legend.options.display && chart.legend.legendItems.length > 0,
                yTicks: chart.scales.y.ticks.length,
                xTicks: chart.scales.x.ticks.length,
                narrowest: Math.min(...widths),
            };
        })"""
    )
    assert len(charts) == 6
    for chart in charts:
        assert chart["legend"], chart
        assert chart["yTicks"] >= 2 and chart["xTicks"] >= 1, chart
        assert chart["narrowest"] >= 8, chart  # bars, not hairlines


def test_the_report_buttons_line_up_with_the_filter_fields(page, demo):
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/escalation/reports/")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll(
            '#report-filter input, #report-filter select, #report-actions > *')]
            .map((el) => {
                const r = el.getBoundingClientRect();
                return [el.name || el.textContent.trim(), Math.round(r.top), Math.round(r.height)];
            })"""
    )
    assert len({(top, height) for _, top, height in boxes}) == 1, boxes
