"""The dashboard page, its downloads and the API: who may see them, and bad filters."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
PAGE = "/admin/escalations/escalation/reports/"
FILTER = "start=2026-01-10&end=2026-01-11"


def test_the_dashboard_shows_the_figures_and_chart_data(client, manager_user, history):
    client.force_login(manager_user)
    page = client.get(f"{PAGE}?{FILTER}&workspace={history[0].pk}")
    assert page.status_code == 200
    assert page.context["figures"]["volume"]["total"] == 4
    html = page.content.decode()
    assert 'data-figure="total">4<' in html
    assert html.count('data-type="bar"') == 6


def test_the_figures_download_as_csv_and_xlsx(client, manager_user, history):
    client.force_login(manager_user)
    csv = client.get(f"{PAGE}?{FILTER}&download=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "First human response,p50,seconds,1800" in csv.content.decode()
    xlsx = client.get(f"{PAGE}?{FILTER}&download=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Escalation figures, 2026-01-10 to 2026-01-11", None, None, None]
    assert ["First-contact resolution", "share", "fraction", 2 / 3] in rows


def test_the_before_after_comparison(client, manager_user, history):
    client.force_login(manager_user)
    page = client.get(f"{PAGE}?start=2026-01-10&end=2026-01-10&changed_on=2026-01-11")
    comparison = page.context["comparison"]
    rows = {row["figure"]: row for row in comparison["rows"]}
    assert (rows["Escalations"]["before"], rows["Escalations"]["after"]) == (2, 2)
    assert rows["First human response, p50 (min)"]["before"] == 20.0  # 10 and 30 minutes
    assert rows["First human response, p50 (min)"]["after"] == 60.0


def test_a_bad_filter_is_a_field_error_on_the_page_and_400_in_the_api(client, manager_user):
    client.force_login(manager_user)
    page = client.get(f"{PAGE}?start=2026-02-01&end=2026-01-01")
    assert page.status_code == 200 and page.context["figures"] is None
    assert "The start must not be after the end." in page.content.decode()
    api = APIClient()
    api.force_authenticate(manager_user)
    response = api.get("/api/reports/escalations/?start=yesterday")
    assert response.status_code == 400
    assert list(response.json()) == ["start"]


def test_the_api_gives_the_same_figures(manager_user, history):
    api = APIClient()
    api.force_authenticate(manager_user)
    response = api.get(f"/api/reports/escalations/?{FILTER}&workspace={history[0].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["volume"]["total"] == 4
    assert body["first_response"]["p90_seconds"] == 3240.0
    assert body["thresholds"] == []


def test_only_those_who_may_read_escalations_see_reports(client, read_only_user):
    assert APIClient().get("/api/reports/escalations/").status_code == 401
    client.force_login(read_only_user)
    assert client.get(PAGE).status_code == 200
    from tests.helpers.factories import UserFactory

    nobody = UserFactory(is_staff=True)
    client.force_login(nobody)
    assert client.get(PAGE).status_code == 403
    api = APIClient()
    api.force_authenticate(nobody)
    assert api.get("/api/reports/escalations/").status_code == 403


def test_the_period_defaults_to_the_last_30_days(client, manager_user):
    client.force_login(manager_user)
    page = client.get(PAGE)
    start, end = (date.fromisoformat(v) for v in page.context["figures"]["period"].values())
    assert (end - start).days == 29


@pytest.mark.django_db(transaction=True)
def test_the_parts_read_side_by_side_give_the_same_report(settings, history):
    from escalations.reports import report
    from escalations.reports.metrics import Period

    period = Period(date(2026, 1, 10), date(2026, 1, 11))
    settings.HANDOFF_REPORTS_CONNECTIONS = 1
    one_by_one = report.escalation_report(period, date(2026, 1, 11))
    settings.HANDOFF_REPORTS_CONNECTIONS = 3
    try:
        side_by_side = report.escalation_report(period, date(2026, 1, 11))
        assert report._pool is not None  # the parts went to the pool's threads
    finally:
        report.report_connections_close()
    assert side_by_side == one_by_one
    assert side_by_side["volume"]["total"] == 4
    assert report._pool is None
