"""A real Chromium (Debian's package) driven by Playwright against a live Handoff.

On a machine without Chromium these tests skip with the reason; with HANDOFF_REQUIRE_BROWSER=1
(as in CI) a missing browser is a failure instead.
"""

import os
import shutil
from pathlib import Path

import pytest

from escalations.demo.seed import demo_accounts_reset, demo_seed
from tests.helpers.browser import PASSWORD

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"


def chromium_path() -> str | None:
    return os.environ.get("HANDOFF_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed (apt-get install chromium, or set HANDOFF_CHROMIUM)"
        if os.environ.get("HANDOFF_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot for the README when HANDOFF_SCREENSHOTS=1."""

    def take(page, name: str, **kwargs) -> None:
        if os.environ.get("HANDOFF_SCREENSHOTS") == "1":
            SCREENSHOT_DIR.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), **kwargs)

    return take


@pytest.fixture
def demo(live_server):
    demo_seed()
    demo_accounts_reset(password=PASSWORD)
    return live_server.url
