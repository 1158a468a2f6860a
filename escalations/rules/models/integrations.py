from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

CREDENTIAL_PREFIX = "HANDOFF_INTEGRATION_"


class Integration(models.Model):
    """An external system scripts may read from (CRM, ERP, billing). Calls go only to the
    host of its base URL; the credential is read from the environment, never stored."""

    name = models.SlugField(
        max_length=60, unique=True, help_text="Used in scripts: lookup(name, …)"
    )
    kind = models.CharField(
        max_length=20,
        choices=[("crm", "CRM"), ("erp", "ERP"), ("billing", "Billing"), ("other", "Other")],
        default="crm",
    )
    base_url = models.URLField(help_text="e.g. https://crm.example.com/api")
    credential_env = models.CharField(
        "credential variable",
        max_length=80,
        blank=True,
        validators=[
            RegexValidator(
                rf"^{CREDENTIAL_PREFIX}[A-Z0-9_]+$",
                f"Name an environment variable starting with {CREDENTIAL_PREFIX}.",
            )
        ],
        help_text=f"The environment variable holding the token, e.g. {CREDENTIAL_PREFIX}CRM_TOKEN.",
    )
    auth_header = models.CharField(max_length=60, default="Authorization")
    auth_prefix = models.CharField(max_length=20, default="Bearer", blank=True)
    timeout_seconds = models.FloatField(
        default=3.0, validators=[MinValueValidator(0.1), MaxValueValidator(10.0)]
    )
    max_response_kb = models.PositiveIntegerField(
        default=256, validators=[MinValueValidator(1), MaxValueValidator(4096)]
    )
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError({"base_url": "Use an http(s) address with a host."})
        if parts.username or parts.password:
            raise ValidationError(
                {"base_url": "Put credentials in the credential variable, not in the address."}
            )
