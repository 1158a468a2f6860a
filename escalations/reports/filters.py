"""The report filter as people and API callers give it: a period (start and end dates, the last
30 days by default, at most a year), a workspace and a team (each by slug or id); bad values
are field errors."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from escalations.reports.metrics import Period
from escalations.tickets.filter_fields import TeamField, WorkspaceAndTeam, WorkspaceField
from escalations.tickets.models import Team, Workspace

DEFAULT_DAYS = 30
MAX_DAYS = 366


class ReportFilter(WorkspaceAndTeam, forms.Form):
    start = forms.DateField(required=False, help_text="First day (default: 30 days ago).")
    end = forms.DateField(required=False, help_text="Last day (default: today).")
    workspace = WorkspaceField(Workspace.objects.order_by("name"), required=False)
    team = TeamField(
        Team.objects.select_related("workspace").order_by("workspace__name", "name"),
        required=False,
        help_text="The team escalations went to.",
    )
    changed_on = forms.DateField(
        required=False, help_text="Compare the same number of days before and after this day."
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("end") or today
        start = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationError({"start": "The start must not be after the end."})
        if (end - start).days >= MAX_DAYS:
            raise ValidationError({"start": f"At most {MAX_DAYS} days at once."})
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(
            data["start"],
            data["end"],
            data["workspace"].pk if data.get("workspace") else None,
            data["team"].pk if data.get("team") else None,
        )
