from django.db import models

from escalations import clock
from escalations.models.integrations import Integration
from escalations.models.ticket import Ticket


class WebhookDelivery(models.Model):
    """One signed POST to an integration, delivered by the task queue with retries."""

    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="webhooks")
    path = models.CharField(max_length=300)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.integration} {self.path} for #{self.ticket_id}"
