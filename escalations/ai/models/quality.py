"""Quality-control checklists: the AI checks every item first and flags error types; people
review what it flags. Some error types escalate at once, others when they recur too often."""

from django.db import models
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.tickets.models import Team, Ticket, Workspace


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"


class QualityChecklist(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="quality_checklists"
    )
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    error_types = models.JSONField(help_text="[{key, label, severity}], the AI flags these keys.")
    items = models.JSONField(default=list, blank=True, help_text="[{text, error_type}]")
    escalate_at_once = models.JSONField(
        default=list, blank=True, help_text="Error types that escalate the item as soon as flagged."
    )
    recurring_types = models.JSONField(
        default=list, blank=True, help_text="Error types counted for recurrence (none: all)."
    )
    recurrences = models.PositiveIntegerField(
        null=True, blank=True, help_text="Escalate when one error type is flagged this often…"
    )
    within_hours = models.PositiveIntegerField(null=True, blank=True, help_text="…within this.")
    to_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "title"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "title"], name="checklist_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class QualityFlag(models.Model):
    """One error type the AI flagged on one item (ticket): what recurrence is counted from."""

    checklist = models.ForeignKey(QualityChecklist, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="quality_flags")
    error_type = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    flagged_at = models.DateTimeField(default=clock_now)

    class Meta:
        ordering = ["-flagged_at"]
        indexes = [
            models.Index(fields=["checklist", "error_type", "flagged_at"], name="flag_recurrence")
        ]

    def __str__(self) -> str:
        return f"{self.error_type} on {self.ticket_id}"
