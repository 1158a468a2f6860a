"""Seeding many open tickets with pending deadlines, some of them due (benchmarks and tests).

Bulk inserts: this measures the sweeper, not ticket creation. Each ticket gets a running
first-response clock and its breach deadline: `due` of them in the past, the rest in the
future, so the pending index holds one row per open ticket.
"""

from datetime import timedelta

from django.utils import timezone

CHUNK = 5000


def seed_deadlines(
    *, open_tickets: int, due: int, spread_seconds: float = 0, slug: str = "bench"
) -> list[int]:
    """Create the tickets, clocks and timers; returns the ids of the due timers.

    The `due` deadlines are in the past, or with `spread_seconds` spread evenly over that
    many seconds from now.
    """
    from escalations.sla.models import ClockKind, ClockState, SlaClock, Timer, TimerKind
    from escalations.tickets.models import Customer, Ticket, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    customer, _ = Customer.objects.get_or_create(
        email=f"{slug}@example.com", defaults={"name": "Bench customer"}
    )
    now = timezone.now()
    due_ids = []
    for start in range(0, open_tickets, CHUNK):
        size = min(CHUNK, open_tickets - start)
        tickets = Ticket.objects.bulk_create(
            Ticket(workspace=workspace, customer=customer, subject=f"Ticket {start + n}")
            for n in range(size)
        )
        clocks = SlaClock.objects.bulk_create(
            SlaClock(
                ticket=ticket,
                kind=ClockKind.FIRST_RESPONSE,
                state=ClockState.RUNNING,
                target_seconds=3600,
                started_at=now,
                running_since=now,
            )
            for ticket in tickets
        )
        timers = []
        for n, (ticket, clock) in enumerate(zip(tickets, clocks, strict=True), start=start):
            if n >= due:
                moment = now + timedelta(days=1)
            elif spread_seconds:
                moment = now + timedelta(seconds=spread_seconds * (n + 1) / due)
            else:
                moment = now - timedelta(seconds=1 + n % 60)
            timers.append(
                Timer(
                    ticket=ticket,
                    kind=TimerKind.SLA_BREACH,
                    key=f"clock:{clock.pk}",
                    clock=clock,
                    due_at=moment,
                    next_try_at=moment,
                )
            )
        created = Timer.objects.bulk_create(timers)
        due_ids += [t.pk for t in created[: max(0, due - start)]]
    return due_ids
