"""Rules engine cost: evaluating the rules against one event, and ingesting tickets through the
service with rules of which `--matching` really match each ticket, against no rules at all.

    uv run python bench/rules.py                          # 50 rules, 5 match, SQLite
    uv run python bench/rules.py --rules 100 --matching 20
    DATABASE_URL=postgres://... uv run python bench/rules.py

The matching rules listen to ticket creation and their condition holds for the tickets sent
(the subject has "order"); each adds a tag. After the run the firings and the audit events are
counted from the database, and the SQL statements of each ingest are counted as they run:
`per_firing_ms` and `statements_per_firing` are what a ticket with rules costs more than one
without, divided by the firings it really had. Runs in a throw-away test database and prints
one JSON line. Leaves out: the API and its server (see bench/ingest.py); actions other than
adding a tag.
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
from django.test.utils import setup_test_environment  # noqa: E402

EVALS = 5000
INGESTS = 200


MATCHING = {"field": "subject", "op": "contains_any", "value": "order, parcel"}


def rule_spec(n: int) -> dict:
    """A realistic mix of no-code conditions (keywords, tiers, thresholds, tags, regexes) that
    the benchmarks' traffic does not meet."""
    kinds = [
        {"field": "text", "op": "contains_any", "value": f"cancel{n}, legal{n}, refund{n}"},
        {
            "all": [
                {"field": "customer.tier", "op": "in", "value": ["vip", "enterprise"]},
                {"field": "priority", "op": "gte", "value": "high"},
            ]
        },
        {
            "any": [
                {"field": "ai_confidence", "op": "lt", "value": 0.05 + n / 1000},
                {"field": "ai_sentiment", "op": "lte", "value": -0.95},
            ]
        },
        {"field": "subject", "op": "matches", "value": f"order nw-{n:03d}\\d{{3}}"},
        {
            "all": [
                {"field": "tags", "op": "includes", "value": f"tag{n}"},
                {"not": {"field": "channel", "op": "is", "value": "api"}},
            ]
        },
    ]
    return kinds[n % len(kinds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--matching", type=int, default=5, help="rules that match each ticket")
    parser.add_argument("--tickets", type=int, default=INGESTS)
    args = parser.parse_args()
    if not 0 <= args.matching <= args.rules:
        parser.error("--matching must be between 0 and --rules")

    from django.test.utils import CaptureQueriesContext

    from escalations.core.actors import Actor
    from escalations.core.models import TicketEvent
    from escalations.rules.engine import matching_rules
    from escalations.rules.models import Rule, RuleFiring, RuleSet
    from escalations.rules.selectors import live_rule_set, ticket_facts
    from escalations.rules.services.rule_config import rule_save, rule_set_save
    from escalations.tickets.models import Customer, Team, Ticket, Workspace
    from escalations.tickets.services.tickets import ticket_create

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        workspace = Workspace.objects.create(name="Bench", slug="bench")
        team = Team.objects.create(workspace=workspace, name="L1", slug="l1")
        customer = Customer.objects.create(name="Bench customer", tier="standard")
        actor = Actor.system("bench")

        def ingest() -> tuple[float, int]:
            connection.queries_log.clear()  # the log keeps 9,000 at most: count from empty
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                ticket_create(
                    workspace=workspace,
                    subject="Where is my order NW-482913?",
                    customer=customer,
                    team=team,
                    body="Hello, my parcel is late and I would like an update please.",
                    ai_confidence=0.72,
                    actor=actor,
                )
                elapsed = (time.perf_counter() - started) * 1e6
            return elapsed, len(queries)

        def run(n: int) -> tuple[float, float]:
            for _ in range(20):
                ingest()  # warm up
            timed = [ingest() for _ in range(n)]
            return (
                statistics.median(t for t, _ in timed),
                statistics.mean(q for _, q in timed),
            )

        without, statements_without = run(args.tickets)

        live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
        for n in range(args.rules):
            rule_save(
                rule=Rule(
                    rule_set=live,
                    name=f"Rule {n}",
                    triggers=["ticket_created", "customer_replied"],
                    condition=MATCHING if n < args.matching else rule_spec(n),
                    actions=[{"type": "add_tags", "value": f"r{n}"}],
                    position=n,
                )
            )
        ruleset = live_rule_set(workspace.pk)
        firings_before = RuleFiring.objects.count()
        events_before = TicketEvent.objects.count()
        first_with_rules = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
        with_rules, statements_with = run(args.tickets)
        ingested = Ticket.objects.filter(pk__gt=first_with_rules).count()
        firings = RuleFiring.objects.count() - firings_before
        events = TicketEvent.objects.count() - events_before

        ticket = Ticket.objects.select_related("workspace", "customer").last()
        facts = ticket_facts(ticket, None, "ticket_created")
        timings = []
        for _ in range(EVALS):
            facts.pop("_regex_hits", None)  # every event starts with fresh facts
            started = time.perf_counter()
            matching_rules(ruleset, "ticket_created", facts)
            timings.append((time.perf_counter() - started) * 1e6)
        timings.sort()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    per_ticket = firings / ingested if ingested else 0
    print(
        json.dumps(
            {
                "bench": "rules",
                "database": connection.vendor,
                "rules": args.rules,
                "matching": args.matching,
                "tickets_ingested": ingested,
                "firings": firings,
                "events": events,
                "eval_p50_us": round(timings[len(timings) // 2], 1),
                "eval_p99_us": round(timings[int(len(timings) * 0.99)], 1),
                "ingest_us_without_rules": round(without),
                "ingest_us_with_rules": round(with_rules),
                "ingest_ratio": round(with_rules / without, 2),
                "statements_without_rules": round(statements_without, 1),
                "statements_with_rules": round(statements_with, 1),
                "per_firing_ms": round((with_rules - without) / per_ticket / 1000, 3)
                if per_ticket
                else None,
                "statements_per_firing": round(
                    (statements_with - statements_without) / per_ticket, 2
                )
                if per_ticket
                else None,
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
