"""AI-to-human hand-over: the escalation policies per task category and every AI verdict with
the decision taken on it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.tickets.models import Message, Team, Ticket, Tier, Workspace


class EscalationPolicy(models.Model):
    """When the AI must hand a ticket of some task categories to a human.

    Lenient policies for low-risk work (tagging, order status), strict or "always a human" ones
    for high-risk work (refunds, legal, compliance); the default policy takes categories no
    other policy names. Every check that fails is a reason to escalate.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="escalation_policies"
    )
    name = models.CharField(max_length=120)
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text="Task categories (the AI's intents) this policy covers.",
    )
    is_default = models.BooleanField(
        default=False, help_text="Covers the categories no other policy names."
    )
    is_active = models.BooleanField(default=True)

    always_human = models.BooleanField(
        "always require a human",
        default=False,
        help_text="High-risk categories: every ticket goes to a person, whatever the AI says.",
    )
    min_confidence = models.DecimalField(
        "minimum AI confidence",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Below this (0 to 1), a person takes over; empty: no confidence check.",
    )
    sentiment_floor = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Below this sentiment (-1 to 1), a person takes over; empty: no check.",
    )
    keywords = models.JSONField(
        default=list,
        blank=True,
        help_text="Words or phrases in the customer's messages that call for a person, in any "
        "language; case and accents do not matter.",
    )
    customer_tiers = models.JSONField(
        default=list, blank=True, help_text="Customer tiers that always go to a person."
    )
    required_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Custom fields (keys) the ticket must have before the AI may answer alone.",
    )
    check_field_formats = models.BooleanField(
        default=True,
        help_text="A custom field that fails its format (the field's pattern) calls for a person.",
    )
    escalate_on_flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Flags from the AI that call for a person, e.g. policy_violation, pii, fraud.",
    )
    escalate_on_ambiguous = models.BooleanField(
        default=True, help_text="The AI flagged the customer's request as ambiguous."
    )

    to_team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who takes over; empty: the first escalation-target team of the tier.",
    )
    to_tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.L2)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "escalation policies"
        ordering = ["workspace", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="ai_policy_name_unique"),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="ai_policy_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.min_confidence is not None and not 0 <= self.min_confidence <= 1:
            errors["min_confidence"] = "A confidence between 0 and 1."
        if self.sentiment_floor is not None and not -1 <= self.sentiment_floor <= 1:
            errors["sentiment_floor"] = "A sentiment between -1 and 1."
        for name in (
            "categories",
            "keywords",
            "customer_tiers",
            "required_fields",
            "escalate_on_flags",
        ):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = "A list of words."
        if not self.is_default and not self.categories:
            errors["categories"] = "Name the task categories, or make this the default policy."
        if self.to_team_id and self.to_team.workspace_id != self.workspace_id:
            errors["to_team"] = "The team belongs to another workspace."
        if self.workspace_id and isinstance(self.required_fields, list):
            known = set(self.workspace.field_definitions.values_list("key", flat=True))
            unknown = sorted(set(self.required_fields) - known)
            if unknown:
                errors["required_fields"] = (
                    f"The workspace has no custom field {', '.join(unknown)}."
                )
        if self.workspace_id and isinstance(self.categories, list) and self.is_active:
            taken = _categories_taken(self)
            if taken:
                errors["categories"] = taken
        if errors:
            raise ValidationError(errors)


def _categories_taken(policy: EscalationPolicy) -> str:
    others = EscalationPolicy.objects.filter(workspace=policy.workspace_id, is_active=True)
    if policy.pk:
        others = others.exclude(pk=policy.pk)
    mine = {c.lower() for c in policy.categories}
    clashes = [
        f"{category} is already covered by {other.name}"
        for other in others
        for category in sorted(mine & {c.lower() for c in other.categories})
    ]
    return "; ".join(clashes)


class Decision(models.TextChoices):
    ESCALATE = "escalate", "Escalated to a human"
    STAY = "stay", "Stayed with the AI"
    ALREADY_HUMAN = "already_human", "Already with a human"


class AiVerdict(models.Model):
    """One verdict pushed by the AI about a ticket, and the decision taken on it, with the
    numbers behind it (for analysis later)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ai_verdicts")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=clock_now)

    confidence = models.FloatField(null=True, blank=True)
    intent = models.CharField("task category", max_length=100, blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    attempted_solutions = models.JSONField(default=list, blank=True)
    proposed_reply = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    fields = models.JSONField(
        default=dict, blank=True, help_text="Custom fields the AI collected, as it sent them."
    )
    handoff_requested = models.BooleanField(
        default=False, help_text="The bot asked to hand over (e.g. the customer wants a person)."
    )

    policy = models.ForeignKey(
        EscalationPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    policy_name = models.CharField(max_length=120, blank=True)
    policy_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The policy's history record in force."
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.JSONField(default=list, blank=True, help_text="The checks that failed.")
    checks = models.JSONField(
        default=list, blank=True, help_text="Every check: value, threshold, passed."
    )
    confidence_only = models.BooleanField(
        default=False,
        help_text="Only the confidence threshold decided: it stayed with every check passed, "
        "or it escalated on confidence alone (what the threshold report learns from).",
    )
    escalation = models.ForeignKey(
        "escalations.Escalation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("AI verdict")
        verbose_name_plural = _("AI verdicts")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "received_at"], name="verdict_ticket_time"),
            # The threshold review: the verdicts of a period, read from the index alone
            # (PostgreSQL; the proposed reply is read only where a person replied).
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "ticket",
                    "confidence",
                    "intent",
                    "policy",
                    "decision",
                    "confidence_only",
                    "escalation",
                ],
                name="verdict_period",
            ),
        ]

    def __str__(self) -> str:
        return f"AI verdict on #{self.ticket_id}: {self.get_decision_display()}"
