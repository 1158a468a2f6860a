from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from escalations.sla.calendar import BusinessCalendar as Calendar
from escalations.sla.calendar import CalendarError
from escalations.tickets.models import Workspace

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BusinessCalendar(models.Model):
    """Opening hours and holidays that SLA clocks and "inside business hours" conditions use.

    `weekly_hours` maps a weekday to spans: {"mon": [["09:00", "17:00"]], "sat": []}; an end
    at or before its start runs overnight. Holidays come from the `holidays` package for the
    country (and subdivision), plus the workspace's own dates.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="calendars")
    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="UTC")
    weekly_hours = models.JSONField(default=dict)
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO country code for public holidays, e.g. DE."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="Region within the country, e.g. BY."
    )
    extra_holidays = models.JSONField(
        default=list, blank=True, help_text='Own closing days, e.g. ["2026-12-24"].'
    )
    is_default = models.BooleanField(
        default=False, help_text="The workspace's calendar when nothing else is said."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="calendar_one_default_per_workspace",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"

    def clean(self) -> None:
        try:
            Calendar(self.time_zone, parse_weekly_hours(self.weekly_hours))
        except CalendarError as exc:
            raise ValidationError({"time_zone": str(exc)}) from None
        except ValueError as exc:
            raise ValidationError({"weekly_hours": str(exc)}) from None
        try:
            parse_dates(self.extra_holidays)
        except ValueError as exc:
            raise ValidationError({"extra_holidays": str(exc)}) from None
        if self.holiday_country:
            import holidays

            try:
                holidays.country_holidays(
                    self.holiday_country.upper(), subdiv=self.holiday_subdivision or None
                )
            except NotImplementedError as exc:
                raise ValidationError({"holiday_country": str(exc)}) from None


def parse_weekly_hours(raw) -> dict[int, tuple[tuple[time, time], ...]]:
    if not isinstance(raw, dict):
        raise ValueError('expected {"mon": [["09:00", "17:00"]], …}')
    weekly = {}
    for key, spans in raw.items():
        if key not in WEEKDAYS:
            raise ValueError(f"{key!r} is not a weekday ({', '.join(WEEKDAYS)})")
        if not isinstance(spans, list):
            raise ValueError(f"{key}: expected a list of [start, end] pairs")
        parsed = []
        for span in spans:
            if not (isinstance(span, list | tuple) and len(span) == 2):
                raise ValueError(f"{key}: {span!r} is not a [start, end] pair")
            try:
                parsed.append((time.fromisoformat(span[0]), time.fromisoformat(span[1])))
            except (TypeError, ValueError):
                raise ValueError(f"{key}: {span!r} is not two times like 09:00") from None
        weekly[WEEKDAYS.index(key)] = tuple(parsed)
    return weekly


def parse_dates(raw) -> frozenset[date]:
    if not isinstance(raw, list):
        raise ValueError('expected a list of dates like ["2026-12-24"]')
    try:
        return frozenset(date.fromisoformat(item) for item in raw)
    except (TypeError, ValueError):
        raise ValueError('expected a list of dates like ["2026-12-24"]') from None
