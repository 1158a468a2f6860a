from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models.choices import CustomerTier


class Customer(models.Model):
    """Who a ticket is for, with the CRM data that travels with every escalation."""

    name = models.CharField(max_length=160)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    company = models.CharField(max_length=160, blank=True)
    tier = models.CharField(
        max_length=20, choices=CustomerTier.choices, default=CustomerTier.STANDARD
    )
    segment = models.CharField(max_length=60, blank=True, help_text="e.g. SMB, mid-market, retail")
    language = models.CharField(max_length=10, default="en")
    crm_id = models.CharField("CRM id", max_length=60, blank=True, db_index=True)
    crm_data = models.JSONField(
        "CRM data", default=dict, blank=True, help_text="Fields synchronised from the CRM, as JSON."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name
