"""RACI matrices: for each activity or escalation step, who is Responsible, Accountable,
Consulted and Informed. An activity bound to an escalation level tells its Consulted and
Informed when a ticket is escalated to that level."""

from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models import Agent, Team, Tier, Workspace

RACI_LETTERS = {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"}


class AiInvolvement(models.TextChoices):
    DOES = "does", "The AI does it"
    ASSISTS = "assists", "The AI assists a person"
    NONE = "none", "People only"


class RaciMatrix(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="raci_matrices")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "name"]
        verbose_name = "RACI matrix"
        verbose_name_plural = "RACI matrices"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="raci_matrix_unique_name")
        ]
        permissions = [
            ("import_racimatrix", "Can import RACI matrices from a spreadsheet"),
            ("export_racimatrix", "Can export RACI matrices to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.name


class RaciRole(models.Model):
    """A role in the matrix, filled by a team's members and by people named here."""

    matrix = models.ForeignKey(RaciMatrix, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Its members fill the role.",
    )
    people = models.ManyToManyField(
        Agent, blank=True, related_name="raci_roles", help_text="Also fill the role."
    )

    history = HistoricalRecords(m2m_fields=[people])

    class Meta:
        ordering = ["matrix", "position", "name"]
        verbose_name = "RACI role"
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="raci_role_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RaciActivity(models.Model):
    matrix = models.ForeignKey(RaciMatrix, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(max_length=160)
    position = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(
        choices=Tier.choices,
        null=True,
        blank=True,
        help_text="An escalation to this tier tells the activity's Consulted and Informed.",
    )
    ai_involvement = models.CharField(
        "AI", max_length=10, choices=AiInvolvement.choices, default=AiInvolvement.NONE
    )
    human_review = models.BooleanField(
        "human review required", default=False, help_text="A person must check the outcome."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "position", "name"]
        verbose_name = "RACI activity"
        verbose_name_plural = "RACI activities"
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="raci_activity_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RaciAssignment(models.Model):
    """One cell of the matrix: what a role is for an activity (R, A, C, I or a mix: "RA")."""

    activity = models.ForeignKey(RaciActivity, on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(RaciRole, on_delete=models.CASCADE, related_name="assignments")
    letters = models.CharField(max_length=4, help_text="R, A, C or I, or a mix such as RA.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "role"]
        verbose_name = "RACI assignment"
        constraints = [
            models.UniqueConstraint(fields=["activity", "role"], name="raci_cell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.letters} · {self.activity}"
