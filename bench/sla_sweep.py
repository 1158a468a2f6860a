"""Sweep cost: N open tickets with pending deadlines, D of them due; time to fire the due ones.

    uv run python bench/sla_sweep.py --open 10000 --due 1000     # embedded SQLite
    DATABASE_URL=postgres://... uv run python bench/sla_sweep.py --open 1000000

Runs in a throw-away test database and prints one JSON line: `sweep_s` is the time of the
sweep that fires the due deadlines (each one: the clock marked breached, the audit event, the
rules asked), `per_due_ms` that time per due deadline. With `--rounds R` (default 5) another
D of the pending deadlines fall due after each sweep and are swept again; the figures are the
median round, `rounds_s` all of them (the first one pays the process's warm-up). The sweep
reads the partial index of pending deadlines, so its cost follows the due rows, not the open
tickets.

`--consequences` says what a breach sets off: `none`, nothing listens; `rule`, a live rule on
SLA breach raises the priority and adds a tag; `escalate`, the same rule also escalates to a
second-tier team. After the run the firings, escalations and audit events are counted from the
database and printed (`firings`, `escalations`, `events`): every due deadline must have had its
consequences. With consequences the tickets carry an SLA policy, so the resync a raised priority
sets off keeps their clocks. Leaves out: notifications' e-mails and webhooks (queued, not
sent).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000, help="open tickets")
    parser.add_argument("--due", type=int, default=1_000, help="of which due now")
    parser.add_argument("--rounds", type=int, default=5, help="sweeps of D due deadlines")
    parser.add_argument("--consequences", choices=("none", "rule", "escalate"), default="none")
    args = parser.parse_args()

    from escalations.core.models import TicketEvent
    from escalations.rules.models import RuleFiring
    from escalations.sla.models import Timer, TimerState
    from escalations.sla.services.timers import timers_sweep
    from escalations.tickets.models import Escalation
    from tests.helpers.deadlines import breach_consequences, seed_deadlines

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        seed_deadlines(
            open_tickets=args.open, due=args.due, with_policy=args.consequences != "none"
        )
        breach_consequences(args.consequences)
        seed_s = time.perf_counter() - started
        _settle()
        counts_before = (
            RuleFiring.objects.count(),
            Escalation.objects.count(),
            TicketEvent.objects.count(),
        )
        rounds = []
        for round_no in range(args.rounds):
            if round_no:
                _fall_due(args.due)
                _settle()
            started = time.perf_counter()
            result = timers_sweep()
            rounds.append(time.perf_counter() - started)
            assert result.fired == args.due, result
        pending = Timer.objects.filter(state=TimerState.PENDING).count()
        assert pending == args.open - args.due * args.rounds, pending
        firings, escalations, events = (
            after - before
            for after, before in zip(
                (
                    RuleFiring.objects.count(),
                    Escalation.objects.count(),
                    TicketEvent.objects.count(),
                ),
                counts_before,
                strict=True,
            )
        )
        fired = args.due * args.rounds
        assert firings == (0 if args.consequences == "none" else fired), firings
        assert escalations == (fired if args.consequences == "escalate" else 0), escalations
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sweep_s = statistics.median(rounds)
    print(
        json.dumps(
            {
                "bench": "sla_sweep",
                "database": connection.vendor,
                "open": args.open,
                "due": args.due,
                "consequences": args.consequences,
                "firings": firings,
                "escalations": escalations,
                "events": events,
                "sweep_s": round(sweep_s, 3),
                "per_due_ms": round(sweep_s * 1000 / max(args.due, 1), 3),
                "rounds_s": [round(r, 3) for r in rounds],
                "seed_s": round(seed_s, 1),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


def _settle() -> None:
    """On PostgreSQL, bring the freshly written tables to the state of a database in service:
    statistics, hint bits and the visibility map set. Otherwise the first read of a bulk
    insert pays for that, not the sweep."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _fall_due(count: int) -> None:
    """Bring the next `count` pending deadlines into the past (not timed)."""
    from datetime import timedelta

    from django.utils import timezone

    from escalations.sla.models import Timer, TimerState

    ids = list(
        Timer.objects.filter(state=TimerState.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:count]
    )
    moment = timezone.now() - timedelta(seconds=1)
    Timer.objects.filter(pk__in=ids).update(due_at=moment, next_try_at=moment)


if __name__ == "__main__":
    main()
