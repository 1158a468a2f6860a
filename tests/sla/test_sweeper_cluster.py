"""Deadlines fire exactly once through crashes and beside a second sweeper."""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models import Count

from escalations.core.models import EventType, TicketEvent
from escalations.sla.models import Timer, TimerState
from escalations.sla.services.sweeper import lease_acquire, lease_name, sweeper_kick
from escalations.sla.services.timers import timers_sweep
from tests.helpers.cluster import kill_cluster, start_cluster, stop_cluster
from tests.helpers.deadlines import seed_deadlines

pytestmark = pytest.mark.django_db(transaction=True)
DUE = 3000


def fired_count() -> int:
    return Timer.objects.filter(state=TimerState.FIRED).count()


def wait_for(predicate, *, timeout: float, what: str) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def assert_each_fired_exactly_once(due_ids: list[int]) -> None:
    assert Timer.objects.filter(pk__in=due_ids, state=TimerState.FIRED).count() == len(due_ids)
    breaches = (
        TicketEvent.objects.filter(event_type=EventType.SLA_BREACHED)
        .values("ticket")
        .annotate(n=Count("pk"))
    )
    per_ticket = [row["n"] for row in breaches]
    assert len(per_ticket) == len(due_ids), "a deadline was missed"
    assert set(per_ticket) == {1}, "a deadline fired twice"


def test_a_cluster_killed_in_the_middle_of_the_sweep_fires_every_deadline_once_after_restart():
    due_ids = seed_deadlines(open_tickets=DUE + 500, due=DUE)
    cluster = start_cluster()
    try:
        wait_for(lambda: fired_count() > 0, timeout=60, what="the sweep to start")
        kill_cluster(cluster)
    finally:
        stop_cluster(cluster)
    at_kill = fired_count()
    assert 0 < at_kill < DUE, "the kill must land in the middle of the sweep"
    cluster = start_cluster()
    try:
        wait_for(lambda: fired_count() == DUE, timeout=90, what="every deadline to fire")
    finally:
        stop_cluster(cluster)
    assert_each_fired_exactly_once(due_ids)
    assert Timer.objects.filter(state=TimerState.PENDING).count() == 500  # not due yet


def test_two_sweepers_over_the_same_due_set_neither_duplicate_nor_miss():
    due_ids = seed_deadlines(open_tickets=2000, due=2000)
    start = threading.Barrier(2)
    fired = []

    def sweeper():
        try:
            start.wait()
            fired.append(timers_sweep(batch_size=25).fired)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(fired) == 2000
    if connection.vendor == "postgresql":
        assert all(fired), f"both sweepers should have taken a share: {fired}"
    assert_each_fired_exactly_once(due_ids)


def test_the_watchdog_queues_a_loop_only_when_no_sweeper_is_alive():
    from django_q.models import OrmQ

    assert sweeper_kick() is True
    assert lease_acquire(lease_name(), "a live loop")
    assert sweeper_kick() is False
    assert OrmQ.objects.count() == 1
