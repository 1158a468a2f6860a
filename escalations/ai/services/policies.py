"""Writes for AI escalation policies outside their admin form: a threshold applied from the
reports, kept in the policy's history with who and why."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from escalations.ai.models import EscalationPolicy
from escalations.core.actors import Actor
from escalations.core.config_cache import config_service


@config_service
def policy_threshold_apply(
    *, policy: EscalationPolicy, value, actor: Actor, reason: str = ""
) -> EscalationPolicy:
    try:
        threshold = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": f"{value!r} is not a number from 0 to 1."}) from None
    if not Decimal(0) <= threshold <= Decimal(1):
        raise ValidationError({"value": "The threshold is a number from 0 to 1."})
    locked = EscalationPolicy.objects.select_for_update().get(pk=policy.pk)
    locked.min_confidence = threshold
    locked.full_clean()
    locked._change_reason = (reason or "Applied the threshold the escalation report proposed.")[
        :100
    ]
    if actor.user is not None:
        locked._history_user = actor.user
    locked.save()
    policy.min_confidence = locked.min_confidence
    return locked
