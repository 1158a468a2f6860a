from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalations.core import clock
from escalations.tickets.models.choices import EscalationKind, Tier
from escalations.tickets.models.team import Agent, Team
from escalations.tickets.models.ticket import Ticket


class Escalation(models.Model):
    """One hand-over of a ticket, with the package of context the receiving human starts from."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="escalations")
    kind = models.CharField(max_length=20, choices=EscalationKind.choices)
    trigger = models.CharField(
        max_length=80, help_text="What set it off, e.g. agent_button, low_confidence, sla_breach."
    )
    reasons = models.JSONField(default=list, blank=True)
    rule = models.ForeignKey(
        "escalations.Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
        help_text=_("The rule that escalated the ticket (kind: by a rule)."),
    )
    rule_name = models.CharField(
        _("rule name"),
        max_length=160,
        blank=True,
        help_text=_("The rule's name when it escalated, kept if the rule is deleted."),
    )
    category = models.CharField(
        "task category",
        max_length=100,
        blank=True,
        help_text="The AI's task category (intent) for the ticket when it was escalated.",
    )

    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    from_agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations_in"
    )
    to_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    to_agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations_in"
    )

    # The handoff package, frozen at the moment of the hand-over.
    summary = models.TextField(blank=True)
    conversation_snapshot = models.JSONField(default=list, blank=True)
    crm_snapshot = models.JSONField("CRM snapshot", default=dict, blank=True)
    ai_attempts = models.JSONField(
        "AI attempts",
        default=list,
        blank=True,
        help_text="What the AI already tried before handing over.",
    )
    ai_confidence = models.FloatField("AI confidence", null=True, blank=True)
    ai_sentiment = models.FloatField("AI sentiment", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triggered_at = models.DateTimeField(default=clock.now)
    first_human_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    is_rerouted = models.BooleanField(
        "re-routed", default=False, help_text="Handed on again before it was resolved."
    )
    rerouted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-triggered_at"]
        indexes = [
            models.Index(fields=["ticket", "triggered_at"], name="escalation_ticket_time"),
            models.Index(fields=["kind", "triggered_at"], name="escalation_kind_time"),
            # The reports: the escalations of a period with what they group and measure, read
            # from the index alone (PostgreSQL).
            models.Index(
                fields=["triggered_at"],
                include=[
                    "id",
                    "ticket",
                    "kind",
                    "category",
                    "to_team",
                    "to_tier",
                    "first_human_response_at",
                    "resolved_at",
                    "is_rerouted",
                ],
                name="escalation_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} escalation of #{self.ticket_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None and not self.is_rerouted
