"""Logging in to the live Handoff the browser tests drive, as a demo account."""

from escalations.demo.seed import MANAGER_USERNAME

PASSWORD = "browser-demo-password"


def log_in(page, base_url, username: str = MANAGER_USERNAME):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
