"""Business-time arithmetic: DST both ways, holidays, overnight hours, seconds to weeks."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from escalations.sla.calendar import BusinessCalendar, CalendarError

BERLIN = ZoneInfo("Europe/Berlin")
NINE_TO_FIVE = {day: ((time(9), time(17)),) for day in range(5)}


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def office():
    return BusinessCalendar("Europe/Berlin", NINE_TO_FIVE, frozenset({date(2026, 12, 25)}))


def test_open_hours_count_and_closed_hours_do_not(office):
    friday_4pm = berlin(2026, 11, 20, 16)
    monday_10am = berlin(2026, 11, 23, 10)
    assert office.business_time_between(friday_4pm, monday_10am) == timedelta(hours=2)
    assert office.add_business_time(friday_4pm, timedelta(hours=2)) == monday_10am


def test_a_holiday_is_closed(office):
    christmas_eve_4pm = berlin(2026, 12, 24, 16)
    assert office.add_business_time(christmas_eve_4pm, timedelta(hours=2)) == berlin(
        2026, 12, 28, 10
    )  # the 25th is a holiday, the 26th and 27th a weekend


def test_starting_when_closed_waits_for_the_opening(office):
    saturday = berlin(2026, 11, 21, 12)
    assert office.add_business_time(saturday, timedelta(minutes=30)) == berlin(2026, 11, 23, 9, 30)
    assert not office.is_open(saturday)
    assert office.is_open(berlin(2026, 11, 23, 9))


def test_overnight_hours_run_into_the_next_day():
    nights = BusinessCalendar("Europe/Berlin", {day: ((time(22), time(6)),) for day in range(7)})
    assert nights.add_business_time(berlin(2026, 11, 20, 23), timedelta(hours=3)) == berlin(
        2026, 11, 21, 2
    )
    assert nights.business_time_between(berlin(2026, 11, 20, 12), berlin(2026, 11, 21, 12)) == (
        timedelta(hours=8)
    )


def test_a_night_shift_over_the_spring_change_is_an_hour_shorter():
    nights = BusinessCalendar("Europe/Berlin", {day: ((time(22), time(6)),) for day in range(7)})
    # clocks jump from 02:00 to 03:00 on 29 March 2026
    assert nights.business_time_between(
        berlin(2026, 3, 28, 12), berlin(2026, 3, 29, 12)
    ) == timedelta(hours=7)


def test_a_night_shift_over_the_autumn_change_is_an_hour_longer():
    nights = BusinessCalendar("Europe/Berlin", {day: ((time(22), time(6)),) for day in range(7)})
    # clocks go back from 03:00 to 02:00 on 25 October 2026
    assert nights.business_time_between(
        berlin(2026, 10, 24, 12), berlin(2026, 10, 25, 12)
    ) == timedelta(hours=9)


def test_a_span_starting_in_the_skipped_hour_starts_after_the_gap():
    odd = BusinessCalendar("Europe/Berlin", {6: ((time(2, 30), time(4)),)})
    opens = odd.add_business_time(berlin(2026, 3, 29, 0), timedelta(seconds=1))
    assert opens.astimezone(BERLIN).hour == 3


def test_targets_of_seconds_and_of_weeks(office):
    monday_9 = berlin(2026, 11, 23, 9)
    assert office.add_business_time(monday_9, timedelta(seconds=1)) == berlin(2026, 11, 23, 9, 0, 1)
    # two weeks of business time (80 hours) from Monday 9:00: ends Friday of the second week
    assert office.add_business_time(monday_9, timedelta(hours=80)) == berlin(2026, 12, 4, 17)


def test_a_calendar_with_no_hours_is_refused_rather_than_looping():
    closed = BusinessCalendar("UTC", {})
    with pytest.raises(CalendarError, match="no opening hours"):
        closed.add_business_time(datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")), timedelta(hours=1))


def test_naive_datetimes_and_unknown_zones_are_refused(office):
    with pytest.raises(CalendarError, match="aware"):
        office.add_business_time(datetime(2026, 1, 1), timedelta(hours=1))
    with pytest.raises(CalendarError, match="unknown time zone"):
        BusinessCalendar("Mars/Olympus", {})


def test_always_open_is_plain_elapsed_time():
    always = BusinessCalendar.always_open("Europe/Berlin")
    start = berlin(2026, 3, 28, 12)
    # real elapsed time across the spring change: 24 hours later is 13:00 local
    expected = start.astimezone(ZoneInfo("UTC")) + timedelta(hours=24)
    assert always.add_business_time(start, timedelta(hours=24)) == expected
    assert expected.astimezone(BERLIN).hour == 13


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(BERLIN)
)
durations = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(weeks=3))
calendars = st.sampled_from(
    [
        BusinessCalendar("Europe/Berlin", NINE_TO_FIVE, frozenset({date(2026, 12, 25)})),
        BusinessCalendar("Europe/Berlin", {d: ((time(22), time(6)),) for d in range(7)}),
        BusinessCalendar(
            "America/New_York",
            {d: ((time(8), time(12)), (time(13), time(18))) for d in range(6)},
        ),
    ]
)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars, start=moments, duration=durations)
def test_adding_then_measuring_gives_the_duration_back(calendar, start, duration):
    deadline = calendar.add_business_time(start, duration)
    assert deadline > start
    assert calendar.business_time_between(start, deadline) == duration


@settings(max_examples=100, deadline=None)
@given(calendar=calendars, start=moments, first=durations, second=durations)
def test_business_time_adds_up(calendar, start, first, second):
    middle = calendar.add_business_time(start, first)
    assert calendar.add_business_time(middle, second) == calendar.add_business_time(
        start, first + second
    )
