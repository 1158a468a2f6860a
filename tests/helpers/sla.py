"""SLA set-ups for tests: a fixed start inside business hours, a clock to move from it, and a
policy with targets per priority."""

from datetime import UTC, datetime, timedelta

from escalations.core import clock
from escalations.sla.models import SlaPolicy, SlaTarget
from escalations.tickets.models import Priority

# A Wednesday at 10:00 UTC: inside the default Monday-to-Friday 09:00-17:00 hours.
START = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


class Clock:
    """Moves Handoff's clock for a test: `at(minutes)` is START plus that many minutes."""

    def __init__(self):
        self.now = START

    def at(self, minutes: float):
        self.now = START + timedelta(minutes=minutes)
        return clock.frozen_at(self.now)


def make_policy(workspace, *, name="Standard", targets=None, **fields):
    fields.setdefault("business_hours", False)
    fields.setdefault("is_default", True)
    policy = SlaPolicy.objects.create(workspace=workspace, name=name, **fields)
    for priority, (first, nxt, resolution) in (
        targets or {Priority.NORMAL: (60, 30, 480), Priority.URGENT: (15, 10, 120)}
    ).items():
        SlaTarget.objects.create(
            policy=policy,
            priority=priority,
            first_response_minutes=first,
            next_response_minutes=nxt,
            resolution_minutes=resolution,
        )
    return policy
