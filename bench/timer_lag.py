"""Timer lag: a running django-q2 cluster fires deadlines spread over a minute; how late?

    uv run python bench/timer_lag.py                   # embedded SQLite, 600 deadlines
    uv run python bench/timer_lag.py --deadlines 3000 --spread 60
    DATABASE_URL=postgres://... uv run python bench/timer_lag.py

Starts `manage.py qcluster` (`--clusters` of them) on a throw-away test database, waits for
its sweeper loop, creates the deadlines (due from now to now + spread; with `--burst N`, N
deadlines all due at one moment a few seconds ahead), waits until all fired and prints one
JSON line: lag = the moment of the breach's audit event minus the deadline. `--consequences` says
what each breach sets off (none; a live rule that raises the priority and tags; the same and
an escalation; the tickets then carry an SLA policy); the firings and escalations are counted
from the database afterwards.

    uv run python bench/timer_lag.py --burst 10000 --consequences rule
    DATABASE_URL=postgres://... uv run python bench/timer_lag.py --burst 10000 --clusters 2
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.helpers.deadlines import CONSEQUENCES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=600)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds")
    parser.add_argument("--open", type=int, default=10_000, help="open tickets in all")
    parser.add_argument("--burst", type=int, default=0, help="N deadlines due at one moment")
    parser.add_argument("--consequences", choices=CONSEQUENCES, default="none")
    parser.add_argument("--clusters", type=int, default=1, help="qcluster processes")
    parser.add_argument("--patience", type=float, default=600, help="seconds to wait at most")
    args = parser.parse_args()
    deadlines = args.burst or args.deadlines

    from django.db.models import Count

    from escalations.core.models import EventType, TicketEvent
    from escalations.rules.models import RuleFiring
    from escalations.sla.models import Timer
    from escalations.sla.services.sweeper import lease_is_stale
    from escalations.tickets.models import Escalation, Workspace
    from tests.helpers.deadlines import breach_consequences, seed_deadlines
    from tests.helpers.servers import database_url

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    clusters = []
    try:
        env = {**os.environ, "DATABASE_URL": database_url()}
        clusters = [
            subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "qcluster"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(args.clusters)
        ]
        give_up = time.monotonic() + 60
        while lease_is_stale():
            if time.monotonic() > give_up:
                raise SystemExit("the cluster's sweeper did not start")
            time.sleep(0.2)
        # The rule exists before the deadlines do; neither is timed.
        Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        breach_consequences(args.consequences)
        burst_in = 5.0
        due_ids = seed_deadlines(
            open_tickets=max(args.open, deadlines),
            due=deadlines,
            with_policy=args.consequences != "none",
            spread_seconds=0 if args.burst else args.spread,
            all_at_seconds=burst_in if args.burst else None,
        )
        give_up = time.monotonic() + (burst_in if args.burst else args.spread) + args.patience
        due_at = dict(Timer.objects.filter(pk__in=due_ids).values_list("ticket_id", "due_at"))
        # A breach's consequences may resync the ticket's clocks, and a clock made anew takes
        # its fired deadline with it: the breach's audit event is what stays.
        fired = TicketEvent.objects.filter(ticket__in=due_at, event_type=EventType.SLA_BREACHED)
        while fired.count() < len(due_ids):
            if time.monotonic() > give_up:
                states = dict(
                    Timer.objects.filter(pk__in=due_ids)
                    .values_list("state")
                    .annotate(n=Count("pk"))
                )
                error = (
                    Timer.objects.filter(pk__in=due_ids)
                    .exclude(last_error="")
                    .values_list("last_error", flat=True)
                    .first()
                )
                raise SystemExit(
                    f"only {fired.count()} of {len(due_ids)} fired: {states}; {error or ''}"
                )
            time.sleep(1)
        lags = [
            (fired_at - due_at[ticket_id]).total_seconds()
            for ticket_id, fired_at in fired.values_list("ticket_id", "created_at")
        ]
        firings = RuleFiring.objects.count()
        escalations = Escalation.objects.count()
    finally:
        for cluster in clusters:
            cluster.terminate()
        for cluster in clusters:
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cluster.kill()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        json.dumps(
            {
                "bench": "timer_lag",
                "database": connection.vendor,
                "deadlines": len(lags),
                "spread_s": 0 if args.burst else args.spread,
                "burst": bool(args.burst),
                "clusters": args.clusters,
                "consequences": args.consequences,
                "firings": firings,
                "escalations": escalations,
                "lag_p50_s": round(statistics.median(lags), 3),
                "lag_p99_s": round(percentile(lags, 0.99), 3),
                "lag_max_s": round(max(lags), 3),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
