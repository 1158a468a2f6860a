"""Rules engine cost: evaluating 100 active rules against one event, and ingesting an event
through the service with 100 rules against none.

    uv run python bench/rules.py             # embedded SQLite
    DATABASE_URL=postgres://... uv run python bench/rules.py

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

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RULES = 100
EVALS = 5000
INGESTS = 200


def rule_spec(n: int) -> dict:
    """A realistic mix of no-code conditions: keywords, tiers, thresholds, tags, regexes."""
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
    from escalations.core.actors import Actor
    from escalations.rules.engine import matching_rules
    from escalations.rules.models import Rule, RuleSet
    from escalations.rules.selectors import live_rule_set, ticket_facts
    from escalations.rules.services.rule_config import rule_save, rule_set_save
    from escalations.tickets.models import Customer, Team, Workspace
    from escalations.tickets.services.tickets import ticket_create

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        workspace = Workspace.objects.create(name="Bench", slug="bench")
        team = Team.objects.create(workspace=workspace, name="L1", slug="l1")
        customer = Customer.objects.create(name="Bench customer", tier="standard")
        actor = Actor.system("bench")

        def ingest() -> float:
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
            return (time.perf_counter() - started) * 1e6

        for _ in range(20):
            ingest()  # warm up
        without = statistics.median(ingest() for _ in range(INGESTS))

        live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
        for n in range(RULES):
            rule_save(
                rule=Rule(
                    rule_set=live,
                    name=f"Rule {n}",
                    triggers=["ticket_created", "customer_replied"],
                    condition=rule_spec(n),
                    actions=[{"type": "add_tags", "value": f"r{n}"}],
                    position=n,
                )
            )
        ruleset = live_rule_set(workspace.pk)
        for _ in range(20):
            ingest()
        with_rules = statistics.median(ingest() for _ in range(INGESTS))

        from escalations.tickets.models import Ticket

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
    print(
        json.dumps(
            {
                "bench": "rules",
                "database": connection.vendor,
                "rules": RULES,
                "eval_p50_us": round(timings[len(timings) // 2], 1),
                "eval_p99_us": round(timings[int(len(timings) * 0.99)], 1),
                "ingest_us_without_rules": round(without),
                "ingest_us_with_rules": round(with_rules),
                "ingest_ratio": round(with_rules / without, 2),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
