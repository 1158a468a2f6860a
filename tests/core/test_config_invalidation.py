"""What the process keeps under the configuration token is only as fresh as the list of models
whose changes give a new token: every table a kept computation reads must be on that list, so
that a model added later cannot be forgotten."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from escalations.core import config_cache, signals
from escalations.demo.seed import demo_accounts_reset, demo_seed

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Read by the machinery itself, not by what it keeps.
NOT_CONFIGURATION = {"escalations_configrevision", "django_content_type"}
_KEPT_NAME = re.compile(r"config_cached\(\s*f?\"([a-z_{}]+)\"")


def _configuration_tables() -> set[str]:
    tables = {apps.get_model(label)._meta.db_table for label in signals.configuration_models()}
    tables |= {through._meta.db_table for through in signals.configuration_links()}
    return tables | NOT_CONFIGURATION


def _tables_in(sql: str, known: set[str]) -> set[str]:
    return {table for table in known if re.search(rf'"{table}"|\b{table}\b', sql)}


def _kept_names_in_code() -> set[str]:
    names = set()
    for path in [*(ROOT / "escalations").rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        names |= set(_KEPT_NAME.findall(path.read_text()))
    # Django's permission reads are kept per kind: "user" and "group".
    expanded = set()
    for name in names:
        if "{from_name}" in name:
            expanded |= {name.replace("{from_name}", kind) for kind in ("user", "group")}
        else:
            expanded.add(name)
    return expanded


@pytest.fixture(scope="module")
def watched(django_db_setup, django_db_blocker):
    """Every kept computation's reads, by the name it is kept under, while the product is used:
    the demo seeded (tickets, messages, rules, SLA, escalations, hand-overs, processes), the
    pages and API lists a person reads, and the reads the demo does not reach."""
    every_table = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    reads: dict[str, set[str]] = {}

    def observe(name, compute):
        seen = reads.setdefault(name, set())

        def record(execute, sql, params, many, context):
            seen.update(_tables_in(sql, every_table))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            return compute()

    config_cache._kept.clear()
    config_cache.compute_observer = observe
    try:
        with django_db_blocker.unblock():
            _use_the_product()
            yield reads
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
    finally:
        config_cache.compute_observer = None
        config_cache._kept.clear()


def _use_the_product() -> None:
    from escalations.ai.selectors import handoff_destination
    from escalations.ai.services.quality import _checklists
    from escalations.tickets.models import Team, Ticket
    from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure
    from escalations.tickets.services.assignment import _leads

    demo_seed()
    demo_accounts_reset(password="watch-the-reads")
    client = Client()
    assert client.login(username="manager", password="watch-the-reads")
    ticket = Ticket.objects.order_by("pk").first()
    for url in (
        "/admin/",
        "/admin/escalations/ticket/",
        f"/admin/escalations/ticket/{ticket.pk}/change/",
        "/api/tickets/",
        f"/api/tickets/{ticket.pk}/",
    ):
        assert client.get(url).status_code == 200, url
    _token, key = api_token_issue(user=integration_user_ensure(username="watch-bot"))
    bot = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert bot.get("/api/tickets/").status_code in (200, 403)
    _leads(Team.objects.order_by("pk").first())
    handoff_destination(ticket, None)
    _checklists(ticket.workspace_id)


def test_every_table_a_kept_computation_reads_is_invalidated_by_a_change(watched):
    allowed = _configuration_tables()
    stale = {name: sorted(tables - allowed) for name, tables in watched.items() if tables - allowed}
    assert stale == {}, (
        "kept under the configuration token, but a change to these tables gives no new token: "
        "add their models to escalations/signals.py"
    )


def test_every_kept_computation_is_exercised_by_the_invalidation_check(watched):
    assert _kept_names_in_code() - set(watched) == set()
