from django.conf import settings
from django.db import models

from escalations.core import clock
from escalations.tickets.models.ticket import Ticket


class Notification(models.Model):
    """A message for one person about a ticket; shown in the admin and, with an address,
    e-mailed by the task queue."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    message = models.TextField()
    source = models.CharField(max_length=160, blank=True, help_text="e.g. the rule that sent it")
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"To {self.recipient} about #{self.ticket_id}"
