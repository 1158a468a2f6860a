from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.tickets.custom_fields import check_definition
from escalations.tickets.models.choices import FieldType, TicketStatus

slug_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower-case letters, digits and underscores, starting with a letter."
)


def default_human_request_phrases() -> list[str]:
    return [
        "speak to a human",
        "talk to a human",
        "real person",
        "speak to someone",
        "talk to someone",
        "human agent",
        "speak to an agent",
        "talk to an agent",
        "mit einem menschen",
        "echten menschen",
        "mitarbeiter sprechen",
        "hablar con una persona",
        "hablar con un agente",
        "parler a un conseiller",
        "parler a quelqu'un",
        "une vraie personne",
        "parlare con un operatore",
        "met een medewerker",
    ]


class Workspace(models.Model):
    """The unit a template is instantiated into: teams, tickets, statuses and fields belong here."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    template_slug = models.SlugField(
        max_length=60, blank=True, help_text="The catalog template this workspace came from."
    )
    template_version = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    human_request_phrases = models.JSONField(
        default=default_human_request_phrases,
        blank=True,
        help_text="A customer message with one of these asks for a person: the ticket "
        "escalates at once. Any language; case and accents do not matter.",
    )
    escalation_summary_required = models.BooleanField(
        default=True,
        help_text="The escalate form asks for a summary for the receiving team. The teams it "
        "offers are the workspace's teams marked as escalation targets.",
    )
    # Where the system's own moves land (empty: the default status of the lifecycle state the
    # move reaches). Each lands only where the workflow allows a move from the ticket's status.
    escalation_status = models.ForeignKey(
        "CustomStatus",
        verbose_name=_("escalations land in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A status of the Escalated state. Empty: that state's default status."),
    )
    reply_status = models.ForeignKey(
        "CustomStatus",
        verbose_name=_("a customer's reply lands in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Where a ticket that waits on the customer (or is snoozed) goes when the customer "
            "writes: a status of the Open state. Empty: that state's default status."
        ),
    )
    wake_status = models.ForeignKey(
        "CustomStatus",
        verbose_name=_("a snoozed ticket comes back to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A status of the Open state. Empty: that state's default status."),
    )
    snooze_status = models.ForeignKey(
        "CustomStatus",
        verbose_name=_("snoozing puts a working ticket in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A status of the Pending state. Empty: that state's default status."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomStatus(models.Model):
    """A workspace's own label for a lifecycle state, e.g. "Waiting for parts" on On hold."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="custom_statuses"
    )
    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    lifecycle_state = models.CharField(max_length=20, choices=TicketStatus.choices)
    is_default = models.BooleanField(
        default=False,
        help_text="Applied automatically when a ticket enters this lifecycle state.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    next_statuses = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        verbose_name=_("may move to"),
        help_text=_(
            "The statuses a ticket in this one may be moved to. None chosen: nothing leads out "
            "of it (only a final status may be so)."
        ),
    )
    from_any_status = models.BooleanField(
        _("may be entered from any status"),
        default=False,
        help_text=_(
            "Like a global transition: every status may move here, where the lifecycle allows "
            "the step (nothing leaves Closed; Resolved only reopens or closes)."
        ),
    )

    history = HistoricalRecords(m2m_fields=[next_statuses])

    class Meta:
        ordering = ["workspace", "position", "name"]
        verbose_name_plural = "custom statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "slug"], name="custom_status_unique_slug_per_workspace"
            ),
            models.UniqueConstraint(
                fields=["workspace", "lifecycle_state"],
                condition=models.Q(is_default=True),
                name="custom_status_one_default_per_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_lifecycle_state_display()})"


class CustomFieldDefinition(models.Model):
    """One custom field a workspace's tickets carry; ticket values are validated against it."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="field_definitions"
    )
    key = models.CharField(max_length=60, validators=[slug_validator])
    label = models.CharField(max_length=120)
    field_type = models.CharField(max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    is_required = models.BooleanField(default=False)
    choices = models.JSONField(
        default=list, blank=True, help_text="The allowed values, for choice fields."
    )
    pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="A regular expression that text values must match in full.",
    )
    help_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], name="custom_field_unique_key_per_workspace"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    def clean(self) -> None:
        check_definition(self)
