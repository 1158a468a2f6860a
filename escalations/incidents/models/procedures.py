"""The escalation procedure: the workspace's written policy (purpose, scope, triggers, contacts)
that the printable standard operating procedure opens with; the rest of that page is read from
the live configuration."""

from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models import Workspace


class EscalationProcedure(models.Model):
    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="procedure")
    title = models.CharField(max_length=160)
    purpose = models.TextField()
    scope = models.TextField()
    triggers = models.JSONField(default=list, help_text="When to escalate, one per line.")
    contacts = models.JSONField(
        default=list, blank=True, help_text="[{name, role, team, channel, address}]"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "escalation procedure"

    def __str__(self) -> str:
        return self.title
