"""The escalation dashboard at scale: N tickets over 180 days (default 1,000,000), a fifth of
them escalated, with SLA clocks, status history and AI verdicts; then the time the admin's
dashboard page takes to answer for the last 30 days (median of 5 after one warm-up) and the
number of queries it makes. The page reads its parts side by side (HANDOFF_REPORTS_CONNECTIONS,
3 on PostgreSQL); `one_by_one_ms` is the same page with them read in turn, on one connection,
and `queries` is counted on that run (the same queries either way).

    DATABASE_URL=postgres://... uv run python bench/reports.py
    uv run python bench/reports.py --tickets 100000      # embedded SQLite

Rows are made by INSERT ... SELECT over a number series in the database (this measures the
reports, not ticket creation). Runs in a throw-away test database; prints one JSON line.
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

from django.db import connection  # noqa: E402
from django.db.models import NOT_PROVIDED  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PG = connection.vendor == "postgresql"
CATEGORIES = ["billing", "refund", "delivery", "account", "outage", "warranty", "legal", "api"]


def ago(days: str, minutes: str = "0") -> str:
    """SQL for now minus a number of days and minutes, each an SQL expression."""
    if PG:
        return f"(NOW() - ({days}) * INTERVAL '1 day' - ({minutes}) * INTERVAL '1 minute')"
    return f"datetime('now', '-' || ({days}) || ' days', '-' || ({minutes}) || ' minutes')"


def later(stamp: str, minutes: str) -> str:
    if PG:
        return f"({stamp} + ({minutes}) * INTERVAL '1 minute')"
    return f"datetime({stamp}, '+' || ({minutes}) || ' minutes')"


def literal(value) -> str:
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if PG else str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert(model, count: int, where: str, values: dict) -> None:
    """One INSERT ... SELECT of the model's rows for n in 1..count where `where` holds; a
    column not given takes its field's default (or NULL, or empty text)."""
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        name = field.name if field.name in values else field.attname
        if name in values:
            expression = values[name]
        elif field.default is not NOT_PROVIDED and not callable(field.default):
            expression = literal(field.default)
        elif callable(field.default) and field.default in (list, dict):
            expression = literal("[]" if field.default is list else "{}")
        elif field.null:
            expression = "NULL"
        else:
            expression = "''"
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    series = (
        f"generate_series(1, {count}) AS seq(n)"
        if PG
        else f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) "
        "SELECT n FROM s) AS seq"
    )
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {series} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)


def seed(count: int) -> None:
    from escalations.ai.models import AiVerdict, EscalationPolicy
    from escalations.core.models import TicketEvent
    from escalations.sla.models import SlaClock, SlaPolicy
    from escalations.tickets.models import Customer, Escalation, Team, Ticket, Workspace

    workspace = Workspace.objects.create(name="Bench", slug="bench")
    customer = Customer.objects.create(name="Bench customer")
    teams = [
        Team.objects.create(workspace=workspace, name=f"Team {n}", slug=f"team-{n}", tier=n)
        for n in (1, 2, 3)
    ]
    policies = [SlaPolicy.objects.create(workspace=workspace, name=n) for n in ("Std", "VIP")]
    ai_policy = EscalationPolicy.objects.create(
        workspace=workspace, name="AI", categories=CATEGORIES, min_confidence="0.60"
    )

    def pick(ids: list[int], key: str) -> str:
        cases = " ".join(f"WHEN {i} THEN {value}" for i, value in enumerate(ids))
        return f"(CASE ({key}) % {len(ids)} {cases} END)"

    category = (
        "(CASE n % 8 "
        + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CATEGORIES))
        + " END)"
    )
    created = ago("n % 180", "n % 1440")
    insert(
        Ticket,
        count,
        "1 = 1",
        {
            "workspace": str(workspace.pk),
            "customer": str(customer.pk),
            "team": pick([t.pk for t in teams], "n"),
            "subject": "'Bench ticket ' || n",
            "status": "CASE WHEN n % 10 < 7 THEN 'resolved' ELSE 'open' END",
            "ai_intent": category,
            "ai_confidence": "(n % 100) / 100.0",
            "created_at": created,
            "updated_at": created,
            "status_changed_at": created,
            "resolved_at": f"CASE WHEN n % 10 < 7 THEN {later(created, '60 + (n % 2880)')} END",
            "escalated_at": f"CASE WHEN n % 5 = 0 THEN {later(created, '30')} END",
        },
    )
    base = Ticket.objects.order_by("pk").values_list("pk", flat=True).first() - 1
    ticket = f"({base} + n)"
    escalated = "n % 5 = 0"
    triggered = later(created, "30")
    insert(
        Escalation,
        count,
        escalated,
        {
            "ticket": ticket,
            "kind": "(CASE (n / 5) % 4 WHEN 0 THEN 'reactive' WHEN 1 THEN 'proactive' "
            "WHEN 2 THEN 'agent_initiated' ELSE 'time_based' END)",
            "trigger": "'bench'",
            "category": category,
            "from_tier": "1",
            "to_tier": "2 + (n / 5) % 2",
            "to_team": pick([t.pk for t in teams[1:]], "n / 5"),
            "triggered_at": triggered,
            "first_human_response_at": f"CASE WHEN n % 25 <> 0 THEN "
            f"{later(triggered, '5 + (n % 120)')} END",
            "resolved_at": f"CASE WHEN n % 10 < 7 THEN {later(triggered, '600')} END",
            "is_rerouted": "(n % 7 = 0)",
        },
    )
    # Each status change with the stay it ended (minutes since the previous one).
    for left, state, offset, stayed in (
        ("new", "open", 0, 0),
        ("open", "escalated", 30, 30),
        ("escalated", "resolved", 630, 600),
    ):
        insert(
            TicketEvent,
            count,
            escalated,
            {
                "ticket": ticket,
                "event_type": "'ticket.status_changed'",
                "actor_kind": "'system'",
                "from_value": f"'{left}'",
                "to_value": f"'{state}'",
                "stay_seconds": str(stayed * 60),
                "created_at": later(created, str(offset)),
            },
        )
    insert(
        SlaClock,
        count,
        "1 = 1",
        {
            "ticket": ticket,
            "kind": "'first_response'",
            "policy": pick([p.pk for p in policies], "n"),
            "state": "'stopped'",
            "target_seconds": "3600",
            "started_at": created,
            "breached_at": f"CASE WHEN n % 9 = 0 THEN {later(created, '60')} END",
        },
    )
    first_escalation = Escalation.objects.order_by("pk").values_list("pk", flat=True).first()
    insert(
        AiVerdict,
        count,
        "n % 2 = 0",
        {
            "ticket": ticket,
            "received_at": later(created, "5"),
            "confidence": "(n % 100) / 100.0",
            "intent": category,
            "policy": str(ai_policy.pk),
            "policy_name": "'AI'",
            "decision": "CASE WHEN n % 100 < 60 THEN 'escalate' ELSE 'stay' END",
            # A verdict that escalated started the ticket's escalation.
            "escalation": f"CASE WHEN n % 100 < 60 AND n % 5 = 0 "
            f"THEN {first_escalation - 1} + n / 5 END",
            "confidence_only": literal(True),
        },
    )
    with connection.cursor() as cursor:
        # As a database in service would be: vacuumed (what index-only reads rely on), analysed.
        cursor.execute("VACUUM ANALYZE" if PG else "ANALYZE")


def main() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from escalations.reports.report import report_connections_close

    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        seed(args.tickets)
        seeded_s = time.perf_counter() - started
        user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
        client = Client()
        client.force_login(user)
        url = "/admin/escalations/escalation/reports/"

        def median_ms(connections: int):
            settings.HANDOFF_REPORTS_CONNECTIONS = connections
            assert client.get(url).status_code == 200  # warm-up
            runs = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url)
                    runs.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200
            # Counted now: the next request empties the connection's query log.
            return round(statistics.median(runs), 1), len(queries.captured_queries), response

        side_by_side = settings.HANDOFF_REPORTS_CONNECTIONS
        one_by_one_ms, queries, _ = median_ms(1)
        dashboard_ms, _, response = median_ms(side_by_side)
        print(
            json.dumps(
                {
                    "tickets": args.tickets,
                    "dashboard_ms": dashboard_ms,
                    "queries": queries,
                    "connections": side_by_side,
                    "one_by_one_ms": one_by_one_ms,
                    "escalations_in_period": response.context["figures"]["volume"]["total"],
                    "seed_s": round(seeded_s, 1),
                    "database": connection.vendor,
                    "python": platform.python_version(),
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                }
            )
        )
    finally:
        report_connections_close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
