"""The whole report for a period: the dashboard's figures, the threshold review and, when a
day is given, the before/after comparison.

Its parts are independent queries. They run side by side, each on its own connection from a
small pool of threads (HANDOFF_REPORTS_CONNECTIONS: 3 by default on PostgreSQL; 1, the default
on SQLite, runs them one after the other): the page then takes about as long as its slowest
part. Each part reads
its own snapshot, so under heavy writing two figures may be a moment apart. Inside a
transaction (a test, or a caller's unit of work) the parts run in that transaction, in turn,
since other connections cannot see what it has not committed.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from functools import partial
from threading import Barrier, Lock

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from escalations.reports.compare import before_after
from escalations.reports.dashboard import dashboard_from, dashboard_parts
from escalations.reports.metrics import Period
from escalations.reports.thresholds import threshold_queries, threshold_review

_pool: ThreadPoolExecutor | None = None
_pool_width = 0
_pool_lock = Lock()


@contextmanager
def reading(*, alongside: bool = False):
    """One transaction for the figures read together. On PostgreSQL without JIT compilation:
    these aggregations run in tens of milliseconds, and compiling one costs as much again.
    A part running `alongside` the others also does without parallel workers of its own: the
    cores are busy with the other parts already, and each worker would build the same hash
    tables again."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                if alongside:
                    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def side_by_side() -> int:
    """How many connections the parts may use at once (1: one after the other)."""
    return max(1, int(getattr(settings, "HANDOFF_REPORTS_CONNECTIONS", 1)))


def escalation_report(period: Period, changed_on: date | None = None) -> dict:
    queries = threshold_queries(period)
    # The slowest first, so the pool's threads finish together.
    parts = {
        "thresholds_escalated": queries["escalated"],
        "thresholds_stayed": queries["stayed"],
        **dashboard_parts(period),
    }
    if changed_on is not None:
        parts["comparison"] = partial(before_after, period, changed_on)
    found = _run(parts)
    figures = dashboard_from(period, found)
    figures["thresholds"] = threshold_review(
        period, {"escalated": found["thresholds_escalated"], "stayed": found["thresholds_stayed"]}
    )
    if changed_on is not None:
        figures["comparison"] = found["comparison"]
    return figures


def _run(parts: dict) -> dict:
    width = side_by_side()
    if width == 1 or connection.in_atomic_block:
        with reading():
            return {name: part() for name, part in parts.items()}
    pool = _threads(width)
    futures = {name: pool.submit(_on_own_connection, part) for name, part in parts.items()}
    return {name: future.result() for name, future in futures.items()}


def _threads(width: int) -> ThreadPoolExecutor:
    """The pool, made on first use (after a server forks its workers) and kept: its threads keep
    their connections between reports, as request threads do (HANDOFF_DB_CONN_MAX_AGE)."""
    global _pool, _pool_width
    with _pool_lock:
        if _pool is None or _pool_width != width:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="handoff-report")
            _pool_width = width
        return _pool


def report_connections_close() -> None:
    """Close the pool's connections and let its threads go (before a test database is dropped,
    or when a process winds down)."""
    global _pool
    with _pool_lock:
        pool, _pool, width = _pool, None, _pool_width
    if pool is None:
        return
    everyone = Barrier(width)  # one closing task on each of the pool's threads

    def close():
        connection.close()
        everyone.wait(timeout=30)

    for future in [pool.submit(close) for _ in range(width)]:
        future.result()
    pool.shutdown()


def _on_own_connection(part):
    close_old_connections()  # too old, or broken by an earlier failure: a fresh one
    try:
        with reading(alongside=True):
            return part()
    except Exception:
        connection.close()
        raise
