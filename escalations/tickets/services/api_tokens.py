"""API tokens for people and integrations (django-rest-knox: stored hashed, each expiring)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils import timezone
from knox.models import AuthToken

from escalations.core.config_cache import config_service
from escalations.tickets.roles import INTEGRATION

MAX_DAYS = 730


@config_service
def integration_user_ensure(*, username: str) -> User:
    """The login an integration (a bot, a CRM) uses: in the Integrations role, no admin access."""
    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": False})
    user.groups.add(Group.objects.get(name=INTEGRATION))
    return user


def api_tokens_purge() -> int:
    """Forget expired tokens (they are refused anyway)."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def api_token_issue(*, user: User, days: int | None = None) -> tuple[AuthToken, str]:
    """A new token for the user; the raw token is returned once and only its hash is kept."""
    if not user.is_active:
        raise ValidationError({"user": f"{user.get_username()} is not active."})
    days = days if days is not None else settings.REST_KNOX["TOKEN_TTL"].days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"A token lasts from 1 to {MAX_DAYS} days."})
    return AuthToken.objects.create(user=user, expiry=timedelta(days=days))
