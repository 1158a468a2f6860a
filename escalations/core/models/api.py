"""What the API keeps about its callers: idempotency keys of inbound deliveries, the
integrations whose deliveries must be signed, and how many requests each made in the current
rate window."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now

SIGNING_PREFIX = "HANDOFF_SIGNING_"


class IdempotencyKey(models.Model):
    """A delivery already answered: a retry with the same key gets the same answer, and never
    creates a second ticket, message or verdict."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=clock_now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


class SignedCaller(models.Model):
    """An integration login whose deliveries carry an HMAC signature (X-Handoff-Signature)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_caller"
    )
    secret_env = models.CharField(
        "secret variable",
        max_length=80,
        validators=[
            RegexValidator(
                rf"^{SIGNING_PREFIX}[A-Z0-9_]+$",
                f"Name an environment variable starting with {SIGNING_PREFIX}.",
            )
        ],
        help_text=f"The environment variable holding the shared secret, e.g. "
        f"{SIGNING_PREFIX}CHATBOT.",
    )
    require_signature = models.BooleanField(
        default=True, help_text="Refuse (401) any request from this login without a valid one."
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "signed API caller"

    def __str__(self) -> str:
        return f"{self.user} ({self.secret_env})"


class RateCount(models.Model):
    """Requests one caller (an API token, or a login) made in one rate window, as the server
    processes reported them (see escalations/core/api/throttle.py)."""

    caller = models.CharField(max_length=80)
    slot = models.BigIntegerField(
        help_text="The window's number: its start in seconds / its length."
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "slot"], name="rate_count_once"),
        ]
        indexes = [models.Index(fields=["slot"], name="rate_count_slot")]

    def __str__(self) -> str:
        return f"{self.caller} #{self.slot}: {self.count}"
