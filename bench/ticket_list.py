"""Ticket list cost: queries and time of the admin ticket list at 50 and 5,000 tickets.

    uv run python bench/ticket_list.py            # embedded SQLite
    DATABASE_URL=postgres://... uv run python bench/ticket_list.py

Runs in a throw-away test database and prints one JSON line.
"""

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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = (50, 5000)
RUNS = 5


def fill(target: int) -> None:
    """Top the database up to `target` tickets (bulk inserts: this measures reads)."""
    from escalations.tickets.models import Customer, Team, Ticket, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    team, _ = Team.objects.get_or_create(workspace=workspace, slug="l1", defaults={"name": "L1"})
    have = Ticket.objects.count()
    customers = Customer.objects.bulk_create(
        Customer(name=f"Customer {n}", email=f"c{n}@example.com") for n in range(have, target)
    )
    Ticket.objects.bulk_create(
        (
            Ticket(workspace=workspace, team=team, customer=c, subject=f"Ticket {n}")
            for n, c in enumerate(customers, start=have)
        ),
        batch_size=1000,
    )


def measure(client: Client) -> tuple[int, float]:
    timings, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/admin/escalations/ticket/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    return queries, statistics.median(timings)


def main() -> None:
    from django.contrib.auth.models import Group, User

    from escalations.tickets.roles import MANAGER

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # A support manager, not a superuser: the permission checks are part of the cost.
        manager = User.objects.create_user("bench", password="bench-password", is_staff=True)
        manager.groups.add(Group.objects.get(name=MANAGER))
        client = Client()
        client.login(username="bench", password="bench-password")
        rows = []
        for size in SIZES:
            fill(size)
            queries, ms = measure(client)
            rows.append({"tickets": size, "queries": queries, "median_ms": round(ms, 1)})
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        json.dumps(
            {
                "bench": "ticket_list",
                "database": connection.vendor,
                "results": rows,
                "query_ratio": rows[-1]["queries"] / rows[0]["queries"],
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
