"""From a stored calendar to the pure business-time calculator, cached per version."""

from datetime import date, time
from functools import lru_cache

from escalations.sla.calendar import BusinessCalendar
from escalations.sla.models import BusinessCalendar as StoredCalendar
from escalations.sla.models.calendars import parse_dates, parse_weekly_hours

HOLIDAY_YEARS_AROUND = 2
# Without a calendar of its own, a workspace is open Monday to Friday, 09:00 to 17:00 local.
DEFAULT_OPENING = (time(9), time(17))


def calendar_for(stored: StoredCalendar, *, around: date) -> BusinessCalendar:
    return _build(
        stored.time_zone,
        _freeze(stored.weekly_hours),
        stored.holiday_country.upper(),
        stored.holiday_subdivision,
        tuple(sorted(stored.extra_holidays)),
        around.year,
    )


def workspace_calendar(workspace, *, around: date) -> BusinessCalendar:
    """The workspace's default calendar, or Monday to Friday 09:00 to 17:00 in its time zone."""
    stored = workspace.calendars.filter(is_default=True).first()
    if stored is not None:
        return calendar_for(stored, around=around)
    return BusinessCalendar(
        workspace.time_zone or "UTC", dict.fromkeys(range(5), (DEFAULT_OPENING,))
    )


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value):
    return {k: [list(span) for span in spans] for k, spans in value}


@lru_cache(maxsize=256)
def _build(time_zone, weekly, country, subdivision, extra, year) -> BusinessCalendar:
    days = set(parse_dates(list(extra)))
    if country:
        import holidays

        years = range(year - HOLIDAY_YEARS_AROUND, year + HOLIDAY_YEARS_AROUND + 1)
        days |= set(holidays.country_holidays(country, subdiv=subdivision or None, years=years))
    return BusinessCalendar(time_zone, parse_weekly_hours(_thaw(weekly)), frozenset(days))
