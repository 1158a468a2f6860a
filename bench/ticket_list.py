"""Ticket list cost: statements and time of a ticket list page as the database grows.

    uv run python bench/ticket_list.py                        # the admin list, embedded SQLite
    uv run python bench/ticket_list.py --api                  # GET /api/tickets/?limit=50
    DATABASE_URL=postgres://... uv run python bench/ticket_list.py --api --sizes 50,1000000

Runs in a throw-away test database and prints one JSON line. `--sizes` are the ticket counts
measured in turn (default 50 and 5,000); each page is read three times to warm up, then
`--runs` times, and the median and slowest are given, with the statements one read ran. The
admin list is read by a support manager (not a superuser: the permission checks are part of
the cost); the API list by an integration's token. Every ticket has a running first-response
clock, so the page's SLA columns have something to show. The tickets are written by bulk
statements (this measures reads): the first ones through the ORM, the rest copied from them by
one INSERT ... SELECT per 100,000. Leaves out: filters and search (the default list, newest
first).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

COPY_BATCH = 100_000
SEED = 50  # tickets written through the ORM, the pattern the rest are copied from


def _ticket_columns() -> list[str]:
    from escalations.tickets.models import Ticket

    return [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]


def _clock_columns() -> list[str]:
    from escalations.sla.models import SlaClock

    return [f.column for f in SlaClock._meta.concrete_fields if f.column != "id"]


def seed() -> None:
    """A workspace, a team, customers and SEED tickets, each with a running clock."""
    from django.utils import timezone

    from escalations.sla.models import ClockKind, ClockState, SlaClock
    from escalations.tickets.models import Customer, Team, Ticket, Workspace

    workspace = Workspace.objects.create(slug="bench", name="Bench")
    team = Team.objects.create(workspace=workspace, slug="l1", name="L1")
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {n}", email=f"c{n}@example.com") for n in range(SEED)
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(workspace=workspace, team=team, customer=c, subject=f"Ticket {n}")
        for n, c in enumerate(customers)
    )
    now = timezone.now()
    SlaClock.objects.bulk_create(
        SlaClock(
            ticket=ticket,
            kind=ClockKind.FIRST_RESPONSE,
            state=ClockState.RUNNING,
            target_seconds=3600,
            started_at=now,
            running_since=now,
            due_at=now + timezone.timedelta(hours=1),
        )
        for ticket in tickets
    )


def grow(target: int) -> None:
    """Copy the seeded tickets (and their clocks) until there are `target` tickets."""
    from escalations.sla.models import SlaClock
    from escalations.tickets.models import Ticket

    tickets, clocks = Ticket._meta.db_table, SlaClock._meta.db_table
    columns = _ticket_columns()
    clock_columns = [c for c in _clock_columns() if c != "ticket_id"]
    quote = connection.ops.quote_name
    while (have := Ticket.objects.count()) < target:
        count = min(COPY_BATCH, target - have)
        last = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
        with transaction.atomic(), connection.cursor() as cursor:
            # The n-th copy repeats seeded ticket n % SEED (a cross join with a row series).
            cursor.execute(
                f"WITH RECURSIVE series(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM series "
                f"WHERE n + 1 < %s) "
                f"INSERT INTO {tickets} ({', '.join(map(quote, columns))}) "
                f"SELECT {', '.join('t.' + quote(c) for c in columns)} FROM series "
                f"JOIN {tickets} t ON t.id = (SELECT MIN(id) FROM {tickets}) + series.n %% %s "
                f"ORDER BY series.n",
                [count, SEED],
            )
            cursor.execute(
                f"INSERT INTO {clocks} (ticket_id, {', '.join(map(quote, clock_columns))}) "
                f"SELECT t.id, {', '.join('c.' + quote(c) for c in clock_columns)} "
                f"FROM {tickets} t JOIN {clocks} c ON c.ticket_id = "
                f"(SELECT MIN(id) FROM {tickets}) + (t.id - (SELECT MIN(id) FROM {tickets})) %% %s "
                f"WHERE t.id > %s",
                [SEED, last],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would, before the reads


def measure(client: Client, path: str, runs: int, headers: dict) -> dict:
    timings, statements = [], 0
    for _ in range(3):  # warm-up reads, not counted: the process's first requests fill caches
        client.get(path, **headers)
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        statements = len(captured)
    return {
        "statements": statements,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="store_true", help="GET /api/tickets/?limit=50")
    parser.add_argument("--sizes", default="50,5000", help="ticket counts, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="reads of the page per size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    from django.contrib.auth.models import Group, User

    from escalations.tickets.roles import MANAGER
    from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client = Client()
        if args.api:
            _, raw = api_token_issue(user=integration_user_ensure(username="bench-bot"), days=1)
            path, headers = "/api/tickets/?limit=50", {"HTTP_AUTHORIZATION": f"Token {raw}"}
        else:
            manager = User.objects.create_user("bench", password="bench-password", is_staff=True)
            manager.groups.add(Group.objects.get(name=MANAGER))
            client.login(username="bench", password="bench-password")
            path, headers = "/admin/escalations/ticket/", {}
        seed()
        rows = []
        for size in sizes:
            grow(size)
            rows.append({"tickets": size, **measure(client, path, args.runs, headers)})
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        json.dumps(
            {
                "bench": "ticket_list",
                "page": path,
                "database": connection.vendor,
                "results": rows,
                "statement_ratio": rows[-1]["statements"] / rows[0]["statements"],
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
