"""The busiest change lists fit a 1440 x 900 window: every column header is on screen, none
hidden behind the table's horizontal scroll."""

import pytest

from tests.helpers.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS_OUT_OF_VIEW = """() => {
    const table = document.querySelector('#result_list');
    const box = table.parentElement.getBoundingClientRect();
    const right = Math.min(box.right, window.innerWidth);
    return [...table.querySelectorAll('thead th')]
        .map((th) => [th.innerText.trim(), th.getBoundingClientRect()])
        .filter(([, r]) => r.left < box.left - 1 || r.right > right + 1)
        .map(([name, r]) => `${name}: ${Math.round(r.left)}-${Math.round(r.right)}`);
}"""


@pytest.mark.parametrize("model", ["ticket", "escalation"])
def test_every_column_header_of_the_list_is_on_screen_at_1440_px(page, demo, model):
    log_in(page, demo)
    page.goto(f"{demo}/admin/escalations/{model}/")
    page.locator("#result_list thead th").first.wait_for()
    assert page.viewport_size == {"width": 1440, "height": 900}
    assert page.locator("#result_list thead th").count() >= 10
    assert page.evaluate(HEADERS_OUT_OF_VIEW) == []
