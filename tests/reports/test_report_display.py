"""The reports page writes durations as people say them and draws charts with bars, axes and
a legend."""

import json
import re
from html import unescape

import pytest

from escalations.core.display import duration_text, figure_text

PAGE = "/admin/escalations/escalation/reports/"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0 s"),
        (45, "45 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (1680, "28 min"),
        (3599, "1 h"),
        (3900, "1 h 5 min"),
        (7200, "2 h"),
        (86400, "1 d"),
        (183600, "2 d 3 h"),
    ],
)
def test_a_duration_reads_as_people_say_it(seconds, text):
    assert duration_text(seconds) == text


def test_a_figure_reads_with_its_unit_and_a_change_with_its_sign():
    assert figure_text(20.0, "minutes") == "20 min"
    assert figure_text(1.5, "hours") == "1 h 30 min"
    assert figure_text(-40.0, "minutes", signed=True) == "-40 min"
    assert figure_text(12.5, "percent", signed=True) == "+12.5 %"
    assert figure_text(4, "count") == "4"


@pytest.mark.django_db
def test_the_dashboard_writes_its_durations_in_words(client, manager_user, history):
    client.force_login(manager_user)
    page = client.get(f"{PAGE}?start=2026-01-10&end=2026-01-11")
    html = page.content.decode()
    response = page.context["figures"]["first_response"]
    card = html.split('data-figure="first-response">', 1)[1].split("</p>", 1)[0]
    assert card == duration_text(response["p50_seconds"]) == "30 min"
    assert not re.search(r"\d s<|\d s;", html)  # no bare second counts


@pytest.mark.django_db
def test_the_comparison_writes_durations_and_shares_with_their_units(
    client,
    manager_user,
    history,
):
    client.force_login(manager_user)
    page = client.get(f"{PAGE}?start=2026-01-10&end=2026-01-10&changed_on=2026-01-11")
    table = page.content.decode().split('id="comparison"', 1)[1].split("</table>", 1)[0]
    assert (
        '<td>First human response, p50</td><td class="text-right">20 min</td>'
        '<td class="text-right">1 h</td><td class="text-right">+40 min</td>'
    ) in table


@pytest.mark.django_db
def test_every_chart_has_visible_bars_axes_with_values_and_a_legend(
    client,
    manager_user,
    history,
):
    client.force_login(manager_user)
    html = client.get(f"{PAGE}?start=2026-01-10&end=2026-01-11").content.decode()
    canvases = re.findall(r"<canvas [^>]*>", html)
    assert len(canvases) == 6
    for canvas in canvases:
        options = json.loads(unescape(re.search(r'data-options="([^"]*)"', canvas).group(1)))
        assert options["plugins"]["legend"]["display"] is True
        assert options["datasets"]["bar"]["maxBarThickness"] >= 24
        for axis in ("x", "y"):
            assert options["scales"][axis]["ticks"]["display"] is True
        assert options["scales"]["y"]["title"]["text"]
