"""Work processes: the steps a kind of work passes in order, each owned by a team.

An ITSM request goes from logging through approval to implementation; a hand-over crosses a
chain of systems (chatbot → CRM → support queue → human agent). Steps that need a sign-off (an
approval, a checkpoint's confirmation) are signed by a member of the team that owns them, per
ticket; a ticket cannot enter a gated status while any of its sign-offs is missing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.tickets.models import CustomStatus, Team, Ticket, Workspace


class ProcessKind(models.TextChoices):
    REQUEST = "request", "Request workflow (approvals)"
    CHAIN = "chain", "Integration hand-over chain (checkpoints)"


class IntegrationFlag(models.TextChoices):
    API_ERROR = "api_error", "API error"
    DATA_CONFLICT = "data_conflict", "Data conflict"
    SYNC_DELAY = "sync_delay", "Sync delay"


class WorkProcess(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="processes")
    kind = models.CharField(max_length=10, choices=ProcessKind.choices)
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    request_types = models.JSONField(
        default=list,
        blank=True,
        help_text="The ticket topics it applies to (e.g. service_request, incident, change); "
        "empty: every ticket of the workspace.",
    )
    task_types = models.JSONField(
        default=list, blank=True, help_text="Chains: data, system and process tasks."
    )
    flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Chains: what stops a task (api_error, data_conflict, sync_delay).",
    )
    open_status = models.ForeignKey(
        CustomStatus,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Entering it asks the owners of the sign-off steps for theirs.",
    )
    gated_statuses = models.ManyToManyField(
        CustomStatus,
        blank=True,
        related_name="+",
        help_text="A ticket enters these only when every sign-off it needs is given.",
    )
    reopen_statuses = models.ManyToManyField(
        CustomStatus,
        blank=True,
        related_name="+",
        help_text="Entering one (e.g. Re-approval) asks for every sign-off again, given or not.",
    )
    type_field = models.CharField(
        max_length=60,
        blank=True,
        help_text="A custom field to read the request type from when the ticket has no topic; "
        "its value 'Service request' reads as service_request.",
    )

    history = HistoricalRecords(m2m_fields=[gated_statuses, reopen_statuses])

    class Meta:
        verbose_name_plural = _("work processes")
        ordering = ["workspace", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "title"], name="process_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.open_status_id and self.open_status.workspace_id != self.workspace_id:
            raise ValidationError({"open_status": "The status belongs to another workspace."})
        if not isinstance(self.request_types, list):
            raise ValidationError({"request_types": "A list of ticket topics."})
        unknown = [f for f in self.flags or [] if f not in IntegrationFlag.values]
        if unknown:
            raise ValidationError({"flags": f"Unknown flag(s): {', '.join(map(str, unknown))}."})

    def applies_to(self, topic: str) -> bool:
        return not self.request_types or topic in self.request_types


def request_type(ticket, type_field: str = "") -> str:
    """The ticket's topic, else the value of the process's type field as a code."""
    if ticket.topic or not type_field:
        return ticket.topic
    value = str((ticket.custom_fields or {}).get(type_field) or "")
    return "_".join(value.lower().replace("-", " ").split())


class ProcessStep(models.Model):
    process = models.ForeignKey(WorkProcess, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=120, help_text="A step, or the system at a checkpoint.")
    owner_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    sign_off = models.BooleanField(
        default=False,
        help_text="A member of the owner team must approve (or, at a checkpoint, confirm) it "
        "for each ticket.",
    )
    request_types = models.JSONField(
        default=list, blank=True, help_text="Only for these ticket topics; empty: all of them."
    )
    confirms = models.TextField(blank=True, help_text="What the owner checks before signing.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["process", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        if (
            self.process_id
            and self.owner_team_id
            and self.owner_team.workspace_id != self.process.workspace_id
        ):
            raise ValidationError({"owner_team": "The team belongs to another workspace."})

    def applies_to(self, topic: str) -> bool:
        return not self.request_types or topic in self.request_types


class SignOffState(models.TextChoices):
    PENDING = "pending", "Waiting"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class StepSignOff(models.Model):
    """One ticket's sign-off of one step: asked for, then given or refused by an owner."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="sign_offs")
    state = models.CharField(
        max_length=10, choices=SignOffState.choices, default=SignOffState.PENDING
    )
    asked_at = models.DateTimeField(default=clock_now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    used_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the ticket went ahead on it; coming back for approval asks again.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["ticket", "step__process", "step__position"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step"], name="one_sign_off_per_step")
        ]
        indexes = [models.Index(fields=["state", "asked_at"], name="sign_off_waiting")]

    def __str__(self) -> str:
        return f"{self.step.name} for {self.ticket.reference}: {self.get_state_display()}"
