"""Forgetting old idempotency keys: a retry later than this is a new delivery."""

from datetime import timedelta

from escalations.core import clock
from escalations.core.models import IdempotencyKey

KEEP = timedelta(hours=24)


def idempotency_keys_purge() -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=clock.now() - KEEP).delete()
    return deleted
