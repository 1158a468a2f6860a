"""Incident escalation matrices: levels by severities → who is contacted, how, and how fast;
when a ticket reaches a level, the contact for its severity is told."""

from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models import Priority, Team, Workspace

PRIORITY_SOURCE = "priority"


class Highlight(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class EscalationMatrix(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="escalation_matrices"
    )
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    severities = models.JSONField(help_text="Most severe first, e.g. SEV1, SEV2, SEV3, SEV4.")
    levels = models.JSONField(help_text="In the order a ticket climbs them, e.g. L1, L2, L3.")
    severity_source = models.CharField(
        max_length=60,
        default=PRIORITY_SOURCE,
        help_text="Where a ticket's severity is read: 'priority' (the most severe is Urgent, "
        "then High, Normal, Low) or the key of a custom field whose values are the severities.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "title"]
        verbose_name_plural = "escalation matrices"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "title"], name="matrix_unique_title")
        ]
        permissions = [
            ("import_escalationmatrix", "Can import escalation matrices from a spreadsheet"),
            ("export_escalationmatrix", "Can export escalation matrices to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.title


class EscalationMatrixCell(models.Model):
    matrix = models.ForeignKey(EscalationMatrix, on_delete=models.CASCADE, related_name="cells")
    level = models.CharField(max_length=80)
    severity = models.CharField(max_length=40)
    contact = models.CharField(max_length=160)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Reaching this team is reaching the level; its members are told.",
    )
    channel = models.CharField(max_length=20, blank=True)
    respond_within_minutes = models.PositiveIntegerField()
    highlight = models.CharField(max_length=10, choices=Highlight.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "level", "severity"], name="matrix_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}, {self.severity}: {self.contact}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.matrix_id:
            return
        errors = {}
        if self.level not in self.matrix.levels:
            errors["level"] = (
                f"{self.level!r} is not a level of the matrix ({', '.join(self.matrix.levels)})."
            )
        if self.severity not in self.matrix.severities:
            errors["severity"] = (
                f"{self.severity!r} is not a severity of the matrix "
                f"({', '.join(self.matrix.severities)})."
            )
        if self.team_id and self.team.workspace_id != self.matrix.workspace_id:
            errors["team"] = "The team belongs to another workspace."
        if errors:
            raise ValidationError(errors)


class PriorityMatrix(models.Model):
    """Priority from impact and urgency: a ticket whose two fields are set gets the priority
    where its impact's row meets its urgency's column."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="priority_matrix"
    )
    impact_field = models.CharField(max_length=60, default="impact")
    urgency_field = models.CharField(max_length=60, default="urgency")
    impacts = models.JSONField(help_text="The rows, highest impact first.")
    urgencies = models.JSONField(help_text="The columns, most urgent first.")
    priorities = models.JSONField(
        help_text="One row per impact, one priority (urgent, high, normal, low) per urgency."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "priority matrices"

    def __str__(self) -> str:
        return f"Priority matrix of {self.workspace}"

    def clean(self):
        from django.core.exceptions import ValidationError

        names = {label.lower() for _, label in Priority.choices}
        rows = self.priorities if isinstance(self.priorities, list) else []
        if len(rows) != len(self.impacts or []) or any(
            not isinstance(row, list) or len(row) != len(self.urgencies or []) for row in rows
        ):
            raise ValidationError({"priorities": "One row per impact, one column per urgency."})
        unknown = sorted({p for row in rows for p in row} - names)
        if unknown:
            raise ValidationError(
                {"priorities": f"Not a priority: {', '.join(map(str, unknown))}."}
            )
