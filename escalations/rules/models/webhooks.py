from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.core import clock
from escalations.rules.models.integrations import Integration
from escalations.tickets.models import Ticket


class WebhookDelivery(models.Model):
    """One signed POST to an integration, delivered by the task queue; a failed attempt is
    tried again later, each time after a longer pause, until the last one."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="webhooks")
    path = models.CharField(max_length=300)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt is due after a failed one."
    )
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_retry_due",
                condition=models.Q(next_attempt_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.integration} {self.path} for #{self.ticket_id}"

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.gave_up_at:
            return "gave up"
        if self.next_attempt_at:
            return "retrying"
        return "queued"


# The events an integration may subscribe to (TicketEvent types).
SUBSCRIBABLE_EVENTS = {
    "ticket.escalated": "Ticket escalated",
    "ticket.assigned": "Ticket assigned",
    "ticket.queued": "Nobody free: left in a team's queue",
    "sla.warning": "SLA warning",
    "sla.breached": "SLA breached",
    "ai.verdict": "AI verdict decided",
}


class WebhookSubscription(models.Model):
    """Which events an integration hears about: each one is POSTed, signed, to its path."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="subscriptions"
    )
    path = models.CharField(max_length=300, default="/", help_text="e.g. /hooks/handoff")
    events = models.JSONField(default=list, help_text="The events to send.")
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["integration", "path"]

    def __str__(self) -> str:
        return f"{self.integration}{self.path}: {', '.join(self.events)}"

    def clean(self) -> None:
        events = self.events
        if not isinstance(events, list) or not events:
            raise ValidationError({"events": "Choose at least one event."})
        unknown = sorted(set(events) - set(SUBSCRIBABLE_EVENTS))
        if unknown:
            raise ValidationError({"events": f"Unknown event(s): {', '.join(unknown)}."})
        if not self.path.startswith("/"):
            raise ValidationError({"path": "A path on the integration's host, starting with /."})
