"""API ingest: tickets, messages and AI verdicts posted by a bot to the API served by gunicorn.

    uv run python bench/ingest.py                                   # mixed, SQLite
    uv run python bench/ingest.py --kind tickets --rules 50 --matching 5 --workers 2
    DATABASE_URL=postgres://... uv run python bench/ingest.py --kind tickets

Seeds a throw-away test database with a workspace, its teams, `--rules` active rules of which
`--matching` really match every ticket, message and verdict sent (each adds a tag), escalation
policies and tickets; serves the API with gunicorn on 127.0.0.1; then a second process posts
from `--concurrency` client threads, each on its own connection, with an integration's token
and an Idempotency-Key per request: `--kind tickets` creates tickets (POST /api/tickets/),
`messages` adds customer messages, `verdicts` AI verdicts, `mixed` messages and verdicts
alternately. The first `--warmup` requests are sent but not counted. Three phases on the same
server, the same client and the same number of requests: GET /api/ping/ (authenticated, does
nothing: the framework's own ceiling on this machine), the traffic with the rule set switched
off, and the traffic with it on. After the run the firings and audit events are counted from
the database. Prints one JSON line: `req_per_s`, `p50_ms`, `p99_ms`, `errors` (answers other
than 201) with the rules on, the same without them, `ceiling_req_per_s`, `share_of_ceiling`,
`firings`, `events` and `per_firing_ms` (the server time the rules add to a request, from the
throughput with and without them and the number of workers, per firing).
Leaves out: the background task cluster (e-mails, webhooks are only queued).
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
TICKETS = 200  # per phase: each phase writes to tickets of its own (hand-overs happen once)
KINDS = ("tickets", "messages", "verdicts", "mixed")


def seed(rules: int, matching: int) -> tuple[str, list[int], int]:
    """The workspace, rules (their set off for now), policies and tickets; returns a bot's
    token, the ticket ids and the rule set's id."""
    from decimal import Decimal

    from bench.rules import MATCHING, rule_spec
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
    for n in range(rules):
        rule_save(
            rule=Rule(
                rule_set=live,
                name=f"Rule {n}",
                position=n,
                triggers=["ticket_created", "customer_replied", "ai_verdict"],
                condition=MATCHING if n < matching else rule_spec(n),
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
        for n in range(2 * TICKETS)
    ]
    _, raw = api_token_issue(user=integration_user_ensure(username="bench-bot"), days=1)
    live.is_live = False
    rule_set_save(rule_set=live)
    return raw, ids, live.pk


def request_for(kind: str, n: int, ids: list[int]) -> tuple[str, str, dict | None]:
    """The n-th request of a phase: method, path and body."""
    ticket = ids[n % len(ids)]
    if kind == "ping":
        return "GET", "/api/ping/", None
    if kind == "tickets":
        return (
            "POST",
            "/api/tickets/",
            {
                "workspace": "bench",
                "subject": f"Where is my order NW-{n}?",
                "body": "Hello, my parcel is late and I would like an update please.",
                "customer": {"email": f"customer{n % 50}@example.org", "name": "Ada"},
                "team": "support",
            },
        )
    if kind == "verdicts" or (kind == "mixed" and n % 2):
        return (
            "POST",
            f"/api/tickets/{ticket}/verdicts/",
            {
                "confidence": round(0.5 + (n % 50) / 100, 2),
                "intent": "order_status" if n % 3 else "billing",
                "sentiment": round(-0.4 + (n % 9) / 10, 2),
                "attempted_solutions": ["Looked the order up"],
                "flags": ["fraud"] if n % 97 == 0 else [],
            },
        )
    return (
        "POST",
        f"/api/tickets/{ticket}/messages/",
        {"author_kind": "customer", "body": f"Any news on order NW-{n}?"},
    )


def load(port, token, ids, kind, phase, requests, concurrency, warmup, out) -> None:
    """The second process: `concurrency` threads, each on its own connection."""
    latencies, errors = [], []
    by_kind: dict[str, list[float]] = {}
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
            method, path, body = request_for(kind, n, ids)
            data = None if body is None else json.dumps(body)
            sent = time.perf_counter()
            conn.request(method, path, data, {**headers, "Idempotency-Key": f"{phase}-{n}"})
            response = conn.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - sent
            what = {"GET": "ping", "POST": "created"}[method]
            if path.endswith("/messages/"):
                what = "message"
            elif path.endswith("/verdicts/"):
                handed_over = response.status == 201 and b'"decision":"escalate"' in answer
                what = "handover" if handed_over else "verdict"
            with lock:
                if n < warmup:
                    continue
                latencies.append(elapsed)
                by_kind.setdefault(what, []).append(elapsed)
                if response.status != (200 if method == "GET" else 201):
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


def phase(port, token, ids, kind: str, name: str, args) -> dict:
    """One phase of requests from the second process; its figures."""
    results = multiprocessing.Queue()
    loader = multiprocessing.Process(
        target=load,
        args=(port, token, ids, kind, name, args.requests, args.concurrency, args.warmup, results),
    )
    loader.start()
    wall, latencies, errors, by_kind = results.get(timeout=900)
    loader.join()
    return {
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / wall, 1),
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 2),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "by_kind": by_kind,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=KINDS, default="mixed")
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--matching", type=int, default=5, help="rules that match every request")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=40)
    # One sync worker per core: the workers are CPU-bound and share the cores with the database
    # and the load; more workers only queue on the cores (see the README).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not 0 <= args.matching <= args.rules:
        parser.error("--matching must be between 0 and --rules")

    from escalations.core.models import TicketEvent
    from escalations.rules.models import RuleFiring, RuleSet

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        token, ids, rule_set_id = seed(args.rules, args.matching)
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
        ceiling = phase(port, token, ids, "ping", "ping", args)
        without = phase(port, token, ids[:TICKETS], args.kind, "off", args)
        RuleSet.objects.filter(pk=rule_set_id).update(is_live=True)
        _renew_configuration_token()
        firings_before, events_before = RuleFiring.objects.count(), TicketEvent.objects.count()
        with_rules = phase(port, token, ids[TICKETS:], args.kind, "on", args)
        firings = RuleFiring.objects.count() - firings_before
        events = TicketEvent.objects.count() - events_before
        connection.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
    sent = with_rules["requests"] + args.warmup
    per_request = firings / sent if sent else 0
    by_kind = with_rules.pop("by_kind")
    kinds = {
        f"{kind}_p{q}_ms": percentile(values, q / 100)
        for kind, values in by_kind.items()
        if values
        for q in (50, 99)
    }
    if args.kind in ("verdicts", "mixed"):
        kinds["handovers"] = len(by_kind.get("handover", []))
    without.pop("by_kind")
    ceiling.pop("by_kind")
    print(
        json.dumps(
            {
                "bench": "ingest",
                "database": connection.vendor,
                "kind": args.kind,
                "rules": args.rules,
                "matching": args.matching,
                "concurrency": args.concurrency,
                "gunicorn_workers": args.workers,
                **{k: v for k, v in with_rules.items() if k != "mean_ms"},
                **kinds,
                "firings": firings,
                "events": events,
                # the workers' time per request, from the throughput, with against without
                "per_firing_ms": round(
                    (args.workers / with_rules["req_per_s"] - args.workers / without["req_per_s"])
                    * 1000
                    / per_request,
                    3,
                )
                if per_request
                else None,
                "without_rules": {k: v for k, v in without.items() if k != "mean_ms"},
                "ceiling_req_per_s": ceiling["req_per_s"],
                "ceiling_errors": ceiling["errors"],
                "share_of_ceiling": round(with_rules["req_per_s"] / ceiling["req_per_s"], 3),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
            }
        )
    )


def _renew_configuration_token() -> None:
    """The servers see the switched rule set at their next request (a new configuration token),
    as they would after an admin's save."""
    from escalations.core.config_cache import config_changed

    config_changed()


if __name__ == "__main__":
    main()
