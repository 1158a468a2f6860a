"""Incident communication plans: what counts as a critical incident, who must hear about it and
how, the steps to take, and recurring status updates while an incident is active."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.tickets.models import Team, Ticket, Workspace


class ContactChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"
    CHAT = "chat", "Chat"
    PAGER = "pager", "Pager"
    STATUS_PAGE = "status_page", "Status page"
    MEETING = "meeting", "Meeting or bridge call"


class CommunicationPlan(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="communication_plans"
    )
    title = models.CharField(max_length=160)
    critical_incident = models.TextField(
        "what counts as a critical incident", help_text="When this plan must be started."
    )
    update_every_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
        help_text="While an incident is active, its owner is reminded to send a status update "
        "this often until it is resolved.",
    )
    update_channels = models.JSONField(
        default=list, blank=True, help_text="Where status updates go (e-mail, status page, …)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "title"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "title"], name="comms_plan_unique")
        ]
        permissions = [
            (
                "import_communicationplan",
                "Can import plan contacts from a spreadsheet",
            ),
            ("export_communicationplan", "Can export plan contacts to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.title

    def channels_allowed(self) -> set[str]:
        """Where its updates may go: the plan's channels, or any if it names none."""
        return set(self.update_channels) or set(ContactChannel.values)


class PlanContact(models.Model):
    """A key person or stakeholder, and how to reach them."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    address = models.CharField(max_length=200, blank=True, help_text="E-mail, number, room…")

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"


class PlanStep(models.Model):
    """One step of the response, in order, with who does it and how soon."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=120, blank=True)
    within_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.action


class IncidentCommunication(models.Model):
    """A communication plan running for one incident, until the incident is resolved."""

    plan = models.ForeignKey(
        CommunicationPlan, on_delete=models.PROTECT, related_name="communications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="communications")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who sends the status updates and is reminded.",
    )
    started_at = models.DateTimeField(default=clock_now)
    next_update_due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "ticket"],
                condition=models.Q(ended_at__isnull=True),
                name="comms_one_active_per_plan_and_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.ticket.reference}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class StatusUpdate(models.Model):
    """A status update as sent: when, by whom, where, what it said (append-only)."""

    communication = models.ForeignKey(
        IncidentCommunication, on_delete=models.CASCADE, related_name="updates"
    )
    sent_at = models.DateTimeField(default=clock_now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    channels = models.JSONField(default=list)
    text = models.TextField()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Update at {self.sent_at:%Y-%m-%d %H:%M}"

    def get_channels_display(self) -> str:
        """Where it went, in words ("Status page, E-mail"), as Django's get_FOO_display."""
        labels = dict(ContactChannel.choices)
        return ", ".join(str(labels.get(channel, channel)) for channel in self.channels)
