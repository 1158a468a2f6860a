"""API ingest: messages and AI verdicts posted by a bot to the API served by gunicorn.

    uv run python bench/ingest.py                            # embedded SQLite
    uv run python bench/ingest.py --requests 4000 --concurrency 8
    DATABASE_URL=postgres://... uv run python bench/ingest.py

Seeds a throw-away test database with a workspace, its teams, 50 active rules, escalation
policies and tickets; serves the API with gunicorn on 127.0.0.1; then a second process posts
customer messages and AI verdicts (alternately, each with an Idempotency-Key) from
`--concurrency` client threads, each on its own connection (gunicorn's sync workers close it
after each answer; the client opens it again), with an integration's token. The first `--warmup`
requests (every server process loading its configuration) are sent but not counted. Prints one
JSON line: `req_per_s`, `p50_ms`, `p99_ms` over all counted requests, the same per kind
(customer messages; verdicts the AI keeps; verdicts that hand the ticket over) and `errors`
(answers other than 201).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.helpers.servers import database_url, free_port, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RULES = 50
TICKETS = 200


def seed() -> tuple[str, list[int]]:
    """The workspace, rules, policies and tickets; returns a bot's token and the ticket ids."""
    from decimal import Decimal

    from bench.rules import rule_spec
    from escalations.ai.models import EscalationPolicy
    from escalations.core.actors import Actor
    from escalations.rules.models import Rule, RuleSet
    from escalations.rules.services.rule_config import rule_save, rule_set_save
    from escalations.tickets.models import Team, Tier, Workspace
    from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure
    from tests.helpers.factories import AgentFactory, CustomerFactory, make_ticket

    workspace = Workspace.objects.create(name="Bench", slug="bench")
    l1 = Team.objects.create(workspace=workspace, name="Support", slug="support")
    billing = Team.objects.create(
        workspace=workspace,
        name="Billing",
        slug="billing",
        tier=Tier.L2,
        is_escalation_target=True,
    )
    for team in (l1, billing):
        for _ in range(3):
            AgentFactory(team=team)
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
    for n in range(RULES):
        rule_save(
            rule=Rule(
                rule_set=live,
                name=f"Rule {n}",
                position=n,
                triggers=["customer_replied", "ai_verdict"],
                condition=rule_spec(n),
                actions=[{"type": "add_tags", "value": f"matched-{n}"}],
            )
        )
    EscalationPolicy.objects.create(
        workspace=workspace,
        name="Orders",
        categories=["order_status"],
        min_confidence=Decimal("0.6"),
        keywords=["cancel", "kündigen"],
    )
    EscalationPolicy.objects.create(
        workspace=workspace,
        name="Default",
        is_default=True,
        min_confidence=Decimal("0.8"),
        escalate_on_flags=["fraud"],
    )
    actor = Actor.system("bench")
    customers = [CustomerFactory() for _ in range(20)]
    ids = [
        make_ticket(
            team=l1, actor=actor, customer=customers[n % 20], subject=f"Order NW-{n}", body="Hi"
        ).pk
        for n in range(TICKETS)
    ]
    _, raw = api_token_issue(user=integration_user_ensure(username="bench-bot"), days=1)
    return raw, ids


def load(port, token, ids, requests: int, concurrency: int, warmup: int, out) -> None:
    """The second process: `concurrency` threads, each on its own connection."""
    latencies, errors = [], []
    by_kind = {"message": [], "verdict": [], "handover": []}
    lock = threading.Lock()
    counter = iter(range(requests + warmup))
    started = None

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        nonlocal started
        while True:
            with lock:
                n = next(counter, None)
                if n == warmup:
                    started = time.perf_counter()
            if n is None:
                break
            ticket = ids[n % len(ids)]
            if n % 2:
                path = f"/api/tickets/{ticket}/verdicts/"
                body = {
                    "confidence": round(0.5 + (n % 50) / 100, 2),
                    "intent": "order_status" if n % 3 else "billing",
                    "sentiment": round(-0.4 + (n % 9) / 10, 2),
                    "attempted_solutions": ["Looked the order up"],
                    "flags": ["fraud"] if n % 97 == 0 else [],
                }
            else:
                path = f"/api/tickets/{ticket}/messages/"
                body = {"author_kind": "customer", "body": f"Any news on order NW-{n}?"}
            data = json.dumps(body)
            sent = time.perf_counter()
            conn.request("POST", path, data, {**headers, "Idempotency-Key": f"bench-{n}"})
            response = conn.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - sent
            kind = "message"
            if n % 2:
                handed_over = response.status == 201 and b'"decision":"escalate"' in answer
                kind = "handover" if handed_over else "verdict"
            with lock:
                if n < warmup:
                    continue
                latencies.append(elapsed)
                by_kind[kind].append(elapsed)
                if response.status != 201:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((time.perf_counter() - started, latencies, errors, by_kind))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds (nearest rank below)."""
    ordered = sorted(values)
    return round(ordered[int(q * (len(ordered) - 1))] * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=40)
    # One sync worker per core: the workers are CPU-bound and share the cores with the database
    # and the load; more workers only queue on the cores (see the README).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        token, ids = seed()
        connection.close()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "HANDOFF_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "HANDOFF_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HANDOFF_DEBUG": "0",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--preload",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(port)
        results = multiprocessing.Queue()
        loader = multiprocessing.Process(
            target=load,
            args=(port, token, ids, args.requests, args.concurrency, args.warmup, results),
        )
        loader.start()
        wall, latencies, errors, by_kind = results.get(timeout=600)
        loader.join()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    kinds = {
        f"{kind}_p{q}_ms": percentile(values, q / 100)
        for kind, values in by_kind.items()
        if values
        for q in (50, 99)
    }
    kinds["handovers"] = len(by_kind["handover"])
    print(
        json.dumps(
            {
                "bench": "ingest",
                "database": connection.vendor,
                "requests": len(latencies),
                "concurrency": args.concurrency,
                "gunicorn_workers": args.workers,
                "req_per_s": round(len(latencies) / wall, 1),
                "p50_ms": percentile(latencies, 0.5),
                "p99_ms": percentile(latencies, 0.99),
                **kinds,
                "errors": len(errors),
                "error_statuses": sorted(set(errors)),
                "rules": RULES,
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
