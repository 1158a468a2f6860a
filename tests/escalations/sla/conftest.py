from datetime import UTC, datetime, timedelta

import pytest

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


@pytest.fixture
def time():
    return Clock()


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


@pytest.fixture
def policy(l1_team):
    return make_policy(l1_team.workspace)


@pytest.fixture
def migrate():
    """Runs the migrations to a point and gives the models there; afterwards the schema goes
    back to the latest, as the tests after this one expect it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    executor = MigrationExecutor(connection)
    to(executor.loader.graph.leaf_nodes())
