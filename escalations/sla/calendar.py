"""Business time on a weekly opening-hours calendar with holidays, in a real time zone.

Pure: no database. Opening spans are given per local weekday as (start, end) times; an end at
or before its start runs overnight into the next day (equal times: the whole 24 hours). A span
belongs to the day it starts on, so a holiday closes the spans that start on it. Business
time is real elapsed time inside open spans, so a span that a DST change shortens or lengthens
counts what the clock really ran.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS_AHEAD = 3 * 366  # a calendar with no open time at all must not loop forever
UTC = ZoneInfo("UTC")


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str
    # weekday (0 = Monday) → opening spans that start that day
    weekly: dict[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except Exception as exc:
            raise CalendarError(f"unknown time zone {self.time_zone!r}") from exc
        for weekday, spans in self.weekly.items():
            if weekday not in range(7):
                raise CalendarError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            for start, end in spans:
                if not isinstance(start, time) or not isinstance(end, time):
                    raise CalendarError("opening spans are pairs of times")

    @classmethod
    def always_open(cls, time_zone: str = "UTC") -> "BusinessCalendar":
        return cls(time_zone, {day: ((time(0), time(0)),) for day in range(7)})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open intervals overlapping [start, end), clipped to it, in order (UTC)."""
        _require_aware(start, end)
        if end <= start:
            return
        for opens, closes in self._intervals_from(start):
            if opens >= end:
                return
            low, high = max(opens, start), min(closes, end)
            if high > low:
                yield low, high

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Every open interval that ends after `moment`, in order, as UTC datetimes."""
        zone = self.zone
        day = moment.astimezone(zone).date() - timedelta(days=1)  # an overnight span may reach in
        found_any = False
        for offset in range(MAX_DAYS_AHEAD):
            current = day + timedelta(days=offset)
            if current in self.holidays:
                continue
            for start_time, end_time in sorted(self.weekly.get(current.weekday(), ())):
                end_day = current if end_time > start_time else current + timedelta(days=1)
                opens = _local(current, start_time, zone)
                closes = _local(end_day, end_time, zone)
                if closes <= opens:
                    continue  # a span swallowed by a DST change
                found_any = True
                if closes > moment:
                    yield opens, closes
        if not found_any:
            raise CalendarError("the calendar has no opening hours in the next three years")

    def is_open(self, moment: datetime) -> bool:
        for opens, closes in self._intervals_from(moment):
            return opens <= moment < closes
        return False

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open time passes from start to end (zero if end is not after start)."""
        total = timedelta()
        for low, high in self.open_intervals(start, end):
            total += high - low
        return total

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when `duration` of open time has passed after `start`."""
        _require_aware(start)
        if duration < timedelta():
            raise CalendarError("a duration cannot be negative")
        if duration == timedelta():
            return start
        remaining = duration
        cursor = start.astimezone(UTC)
        for opens, closes in self._intervals_from(cursor):
            low = max(opens, cursor)
            available = closes - low
            if remaining <= available:
                return low + remaining
            remaining -= available
            cursor = closes
        raise CalendarError("the calendar has no opening hours in the next three years")


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC; a time skipped by DST moves forward past the gap."""
    naive = datetime.combine(day, moment)
    for _ in range(24 * 60):  # a DST gap is at most hours long
        as_utc = naive.replace(tzinfo=zone).astimezone(UTC)
        if as_utc.astimezone(zone).replace(tzinfo=None) == naive:
            return as_utc
        naive += timedelta(minutes=1)  # skipped by the clock change: try the next minute
    raise CalendarError(f"{day} {moment} does not exist in {zone.key}")


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("business time needs aware datetimes")
