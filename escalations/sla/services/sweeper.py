"""The long-lived sweeper loop that fires deadlines within a second, and its lease.

django-q2's scheduler ticks only every ~30 s, so a loop inside a worker sweeps every
HANDOFF_SWEEPER_IDLE_MS when there is nothing due. One loop runs per lease name (one per
django-q2 cluster on PostgreSQL, one in all on SQLite); the lease carries its heartbeat. Each
loop runs for a bounded time under the task timeout and queues its successor; a django-q2
schedule (the watchdog) and every worker start queue a new loop when the heartbeat is stale.
"""

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from escalations.sla.models import SweeperLease
from escalations.sla.services.timers import timers_sweep

LEASE_SECONDS = 10
BEAT_EVERY_SECONDS = 2
log = logging.getLogger("handoff.sweeper")


def lease_name() -> str:
    if connection.vendor == "sqlite":
        return "sweeper"  # SQLite ignores row locks: one sweeper in all
    return f"sweeper:{settings.Q_CLUSTER['name']}"


def lease_acquire(name: str, holder: str) -> bool:
    now = timezone.now()
    # Two loops may start at the same moment: the row is created once, either way.
    SweeperLease.objects.bulk_create([SweeperLease(name=name)], ignore_conflicts=True)
    taken = SweeperLease.objects.filter(name=name).filter(
        Q(expires_at__isnull=True) | Q(expires_at__lt=now) | Q(holder=holder)
    )
    return bool(
        taken.update(holder=holder, beat_at=now, expires_at=now + timedelta(seconds=LEASE_SECONDS))
    )


def lease_renew(name: str, holder: str, fired: int) -> bool:
    now = timezone.now()
    return bool(
        SweeperLease.objects.filter(name=name, holder=holder).update(
            beat_at=now,
            expires_at=now + timedelta(seconds=LEASE_SECONDS),
            fired_total=F("fired_total") + fired,
        )
    )


def lease_release(name: str, holder: str, fired: int) -> None:
    SweeperLease.objects.filter(name=name, holder=holder).update(
        holder="", expires_at=timezone.now(), fired_total=F("fired_total") + fired
    )


def lease_is_stale(name: str | None = None) -> bool:
    """No loop holds the lease, or its holder missed two heartbeats (it probably died)."""
    lease = SweeperLease.objects.filter(name=name or lease_name()).first()
    if lease is None or lease.expires_at is None or lease.expires_at < timezone.now():
        return True
    return lease.beat_at < timezone.now() - timedelta(seconds=2 * BEAT_EVERY_SECONDS + 1)


def sweeper_run(
    *, seconds: float, idle: float | None = None, name: str | None = None, wait: float = 0
) -> int | None:
    """Sweep until `seconds` have passed; None if another loop holds the lease.

    With `wait`, first wait that long for a lease whose holder stopped beating to expire.
    """
    name = name or lease_name()
    holder = uuid.uuid4().hex
    give_up = time.monotonic() + wait
    while not lease_acquire(name, holder):
        if time.monotonic() >= give_up:
            return None
        time.sleep(0.5)
    idle = settings.HANDOFF_SWEEPER_IDLE_MS / 1000 if idle is None else idle
    deadline = time.monotonic() + seconds
    next_beat = time.monotonic() + BEAT_EVERY_SECONDS
    total = unreported = 0
    try:
        while time.monotonic() < deadline:
            try:
                # Bounded, so that the heartbeat goes on while thousands are due.
                fired = timers_sweep(max_batches=10).fired
            except Exception:  # a broken sweep (database gone) must not end the loop's lease
                log.exception("sweep failed")
                fired = 0
                time.sleep(1)
            total += fired
            unreported += fired
            if time.monotonic() >= next_beat:
                if not lease_renew(name, holder, unreported):
                    return total  # the lease was taken over: stop
                unreported = 0
                next_beat = time.monotonic() + BEAT_EVERY_SECONDS
            if not fired:
                time.sleep(idle)
    finally:
        lease_release(name, holder, unreported)
    return total


def loop_seconds() -> float:
    """A loop ends well before django-q2's task timeout would kill it."""
    timeout = settings.Q_CLUSTER.get("timeout") or 60
    return max(5.0, min(settings.HANDOFF_SWEEPER_LOOP_SECONDS, timeout - 10))


def sweeper_kick() -> bool:
    """Queue a sweeper loop if none is alive; True if one was queued."""
    if not lease_is_stale():
        return False
    from django_q.tasks import async_task

    async_task("escalations.tasks.sweeper_loop_task", task_name="handoff-sweeper")
    return True


WATCHDOG_NAME = "Handoff: restart the deadline sweeper"


def watchdog_schedule_ensure() -> None:
    """The django-q2 schedule that restarts the sweeper loop (created on migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=WATCHDOG_NAME,
        defaults={
            "func": "escalations.tasks.sweeper_watchdog_task",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
