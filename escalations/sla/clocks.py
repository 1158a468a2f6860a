"""A clock's arithmetic: what has run, and when a given amount will have run. Pure.

A clock counts time on a calendar (business hours, or always open for calendar time) while it
runs. Its state is the time already counted (`elapsed`) up to `running_since`; when it is
paused `running_since` is None and nothing more is counted.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from escalations.sla.calendar import BusinessCalendar


@dataclass(frozen=True)
class ClockReading:
    elapsed: timedelta
    running_since: datetime | None


def elapsed_at(calendar: BusinessCalendar, reading: ClockReading, now: datetime) -> timedelta:
    """The counted time at `now`."""
    if reading.running_since is None:
        return reading.elapsed
    return reading.elapsed + calendar.business_time_between(reading.running_since, now)


def moment_reaching(
    calendar: BusinessCalendar, reading: ClockReading, amount: timedelta
) -> datetime | None:
    """When the clock will have counted `amount`; None while it is paused.

    If it already has, the answer is the moment it last started running: due at once.
    """
    if reading.running_since is None:
        return None
    remaining = amount - reading.elapsed
    if remaining <= timedelta():
        return reading.running_since
    return calendar.add_business_time(reading.running_since, remaining)


def advance(
    calendar: BusinessCalendar, reading: ClockReading, now: datetime, *, running: bool
) -> ClockReading:
    """Count up to `now`, then run on from `now` or stay paused."""
    elapsed = elapsed_at(calendar, reading, now)
    return ClockReading(elapsed=elapsed, running_since=now if running else None)


def warning_amount(target: timedelta, percent: int) -> timedelta | None:
    """How much must run before the warning; None when the policy does not warn."""
    if not percent or percent >= 100:
        return None
    return target * percent / 100
