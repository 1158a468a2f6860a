"""A small, fixed history for the reports: its first day and hours from it."""

from datetime import UTC, datetime, timedelta

DAY1 = datetime(2026, 1, 10, tzinfo=UTC)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(hours: float) -> datetime:
    return DAY1 + timedelta(hours=hours)
