from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.sla.calendars import calendar_for, workspace_calendar
from escalations.sla.models import BusinessCalendar
from escalations.tickets.models import Ticket
from tests.helpers.factories import WorkspaceFactory, make_ticket

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def stored(workspace=None, **fields):
    fields.setdefault("name", "Office")
    fields.setdefault("time_zone", "Europe/Berlin")
    fields.setdefault("weekly_hours", {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]})
    return BusinessCalendar(workspace=workspace or WorkspaceFactory(), **fields)


def test_public_holidays_of_the_region_and_own_days_are_closed():
    calendar = calendar_for(
        stored(
            holiday_country="de",
            holiday_subdivision="BY",
            extra_holidays=["2026-01-13"],
            weekly_hours={day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        ),
        around=date(2026, 1, 1),
    )
    assert not calendar.is_open(datetime(2026, 1, 6, 10, tzinfo=BERLIN))  # Epiphany in Bavaria
    assert not calendar.is_open(datetime(2026, 1, 13, 10, tzinfo=BERLIN))  # an own closing day
    assert calendar.is_open(datetime(2026, 1, 7, 10, tzinfo=BERLIN))
    assert calendar.weekly[0] == ((time(9), time(17)),)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weekly_hours": {"funday": []}}, "weekly_hours", "not a weekday"),
        ({"weekly_hours": {"mon": [["9am", "5pm"]]}}, "weekly_hours", "two times like 09:00"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "unknown time zone"),
        ({"holiday_country": "XX"}, "holiday_country", "Country XX not available"),
        ({"extra_holidays": ["soon"]}, "extra_holidays", "list of dates"),
    ],
)
def test_bad_calendars_are_refused_at_save_time(fields, field, message):
    with pytest.raises(ValidationError) as exc:
        stored(**fields).full_clean()
    assert message in exc.value.message_dict[field][0]


def test_the_business_hours_condition_follows_the_workspace_calendar(l1_team, actor):
    workspace = l1_team.workspace
    BusinessCalendar.objects.create(
        workspace=workspace,
        name="Always",
        time_zone="UTC",
        weekly_hours={
            d: [["00:00", "00:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        is_default=True,
    )
    assert workspace_calendar(workspace, around=date.today()).is_open(
        datetime(2026, 11, 22, 3, tzinfo=ZoneInfo("UTC"))
    )
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="in hours",
            triggers=["ticket_created"],
            condition={"field": "business_hours", "op": "is_true"},
            actions=[{"type": "add_tags", "value": "in-hours"}],
        )
    )
    ticket = make_ticket(team=l1_team, actor=actor, body="hi")
    assert Ticket.objects.get(pk=ticket.pk).tags == ["in-hours"]
