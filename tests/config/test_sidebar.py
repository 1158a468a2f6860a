"""The sidebar marks one entry, the one that names the page, on every admin page."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, URLPattern, reverse

from config.admin import current_link

pytestmark = pytest.mark.django_db

# A sidebar link Unfold renders as current ends its class with "active".
CURRENT_ENTRY = re.compile(r'<a href="([^"]*)" class="[^"]*\sactive"')


def sidebar_links() -> list[str]:
    return [
        str(item["link"])
        for group in settings.UNFOLD["SIDEBAR"]["navigation"]
        for item in group["items"]
    ]


def argument_free_pages(model_admin) -> list[str]:
    """The extra pages a model admin adds (reports, My RACI duties…) that take no argument."""
    pages = []
    for pattern in model_admin.get_urls():
        if isinstance(pattern, URLPattern) and pattern.name and str(pattern.pattern):
            try:
                pages.append(reverse(f"admin:{pattern.name}"))
            except NoReverseMatch:
                continue  # it needs an object
    return pages


def every_admin_page(ticket) -> list[str]:
    pages = {reverse("admin:index"), f"/admin/escalations/ticket/{ticket.pk}/change/"}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        pages.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        pages.add(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        pages.update(argument_free_pages(model_admin))
    return sorted(pages)


@pytest.fixture
def root(client):
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw-12345-x"))
    return client


def test_every_admin_page_has_at_most_one_current_sidebar_entry(root, ticket):
    crowded = {}
    for page in every_admin_page(ticket):
        response = root.get(page)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        current = CURRENT_ENTRY.findall(response.content.decode())
        if len(current) > 1:
            crowded[page] = current
    assert crowded == {}


def test_each_sidebar_entry_is_the_one_current_on_its_own_page(root):
    for link in sidebar_links():
        response = root.get(link)
        assert response.status_code == 200, link
        current = CURRENT_ENTRY.findall(response.content.decode())
        assert [entry.replace("&amp;", "&") for entry in current] == [link]


def test_a_ticket_page_makes_the_ticket_list_current_not_its_filtered_views(root, ticket):
    page = root.get(
        f"/admin/escalations/ticket/{ticket.pk}/change/",
        {"_changelist_filters": "status__exact=escalated"},
    )
    assert CURRENT_ENTRY.findall(page.content.decode()) == ["/admin/escalations/ticket/"]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/admin/escalations/ticket/", "", 0),
        ("/admin/escalations/ticket/", "status__exact=escalated", 1),
        ("/admin/escalations/ticket/", "topic=incident&status__exact=escalated&o=2", 2),
        ("/admin/escalations/ticket/7/change/", "", 0),
        ("/admin/escalations/escalation/reports/", "start=2026-01-01", 4),
        ("/admin/escalations/escalation/3/change/", "", 3),
        ("/admin/", "", None),
        ("/admin/auth/user/", "", None),
    ],
)
def test_the_most_particular_link_a_page_matches_is_current(path, query, expected):
    links = [
        "/admin/escalations/ticket/",
        "/admin/escalations/ticket/?status__exact=escalated",
        "/admin/escalations/ticket/?status__exact=escalated&topic=incident",
        "/admin/escalations/escalation/",
        "/admin/escalations/escalation/reports/",
    ]
    assert current_link(path, query, links, "/admin/") == expected
