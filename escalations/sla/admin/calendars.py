"""Business calendars in the admin: opening hours and holidays; a change recomputes the
deadlines of the working tickets that count by the calendar."""

from django import forms
from django.contrib import admin

from escalations.sla.admin.policies import report_recomputed
from escalations.sla.models import BusinessCalendar
from escalations.sla.services.sync import sla_calendar_changed
from escalations.tickets.admin.directory import HistoryAdmin
from escalations.tickets.admin.form_fields import PrettyJSONField


class BusinessCalendarForm(forms.ModelForm):
    weekly_hours = PrettyJSONField(
        help_text='Per weekday, the opening spans: {"mon": [["09:00", "17:00"]], "sat": []}. '
        "An end at or before its start runs overnight."
    )
    extra_holidays = PrettyJSONField(required=False, help_text='e.g. ["2026-12-24"]')

    class Meta:
        model = BusinessCalendar
        fields = (
            "workspace",
            "name",
            "time_zone",
            "weekly_hours",
            "holiday_country",
            "holiday_subdivision",
            "extra_holidays",
            "is_default",
        )

    def clean_extra_holidays(self):
        return self.cleaned_data["extra_holidays"] or []


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(HistoryAdmin):
    form = BusinessCalendarForm
    list_display = ("name", "workspace", "time_zone", "holiday_country", "is_default")
    list_filter = ("workspace", "is_default")
    search_fields = ("name",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report_recomputed(self, request, sla_calendar_changed(form.instance))
