"""SLA policies: which tickets a policy takes, what pauses its clocks, and the targets it
sets per priority."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.sla.models.calendars import BusinessCalendar
from escalations.sla.models.ladders import EscalationLadder
from escalations.tickets.models import CustomStatus, Priority, TicketStatus, Workspace


def default_pause_statuses() -> list[str]:
    return [TicketStatus.PENDING, TicketStatus.ON_HOLD]


# What a policy can match on; a policy names none of them or says it applies to every ticket.
MATCH_FIELDS = (
    "match_topics",
    "match_customer_tiers",
    "match_segments",
    "match_channels",
    "match_stores",
)


class SlaPolicy(models.Model):
    """Targets per priority for the tickets it matches; the first matching policy wins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sla_policies")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0, help_text="Policies are tried in order.")
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Applies when no other policy matches."
    )
    applies_to_all = models.BooleanField(
        _("applies to every ticket"),
        default=False,
        help_text=_(
            "Takes every ticket that no policy before it takes. Off, a policy without "
            "conditions takes no ticket by itself: a rule or a person applies it, or it is the "
            "default."
        ),
    )
    match_topics = models.JSONField("topics", default=list, blank=True)
    match_customer_tiers = models.JSONField("customer tiers", default=list, blank=True)
    match_segments = models.JSONField("customer segments", default=list, blank=True)
    match_channels = models.JSONField("channels", default=list, blank=True)
    match_stores = models.JSONField("stores", default=list, blank=True)
    business_hours = models.BooleanField(
        "count business hours only",
        default=True,
        help_text="Off: targets run around the clock (calendar time).",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text="Empty: the workspace's default calendar.",
    )
    warning_percent = models.PositiveSmallIntegerField(
        default=80, help_text="Warn when this share of the target has passed; 0 for no warning."
    )
    pause_statuses = models.JSONField(
        default=default_pause_statuses, blank=True, help_text="Lifecycle states that pause."
    )
    pause_custom_statuses = models.ManyToManyField(
        CustomStatus, blank=True, related_name="+", help_text="Custom statuses that also pause."
    )
    ladder = models.ForeignKey(
        EscalationLadder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policies",
    )

    history = HistoricalRecords(m2m_fields=[pause_custom_statuses])

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["workspace", "-is_active", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="sla_one_default_policy_per_workspace",
            )
        ]
        permissions = [
            ("import_slapolicy", "Can import SLA policies from a spreadsheet"),
            ("export_slapolicy", "Can export SLA policies to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_conditions(self) -> bool:
        return any(getattr(self, name) for name in MATCH_FIELDS)

    def clean(self) -> None:
        errors = {}
        if self.applies_to_all and self.has_conditions:
            errors["applies_to_all"] = gettext(
                "A policy for every ticket has no conditions: clear them, or untick "
                "'applies to every ticket'."
            )
        if self.warning_percent is not None and self.warning_percent >= 100:
            errors["warning_percent"] = "Warn before the breach: a share below 100 %, or 0."
        statuses = self.pause_statuses or []
        if not isinstance(statuses, list) or any(s not in TicketStatus.values for s in statuses):
            errors["pause_statuses"] = f"Choose among {', '.join(TicketStatus.values)}."
        if self.calendar_id and self.calendar.workspace_id != self.workspace_id:
            errors["calendar"] = "The calendar belongs to another workspace."
        if self.ladder_id and self.ladder.workspace_id != self.workspace_id:
            errors["ladder"] = "The ladder belongs to another workspace."
        for name in ("match_topics", "match_customer_tiers", "match_segments", "match_channels"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = "A list of words."
        if errors:
            raise ValidationError(errors)


class SlaTarget(models.Model):
    """The minutes each clock allows for tickets of one priority."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "SLA target"
        ordering = ["policy", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} · {self.get_priority_display()}"

    def clean(self) -> None:
        targets = (self.first_response_minutes, self.next_response_minutes, self.resolution_minutes)
        if all(t is None for t in targets):
            raise ValidationError("Give at least one target for this priority.")
        if any(t == 0 for t in targets):
            raise ValidationError("A target is at least one minute; leave it empty for none.")
