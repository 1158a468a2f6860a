"""Who is calling: an API token (hashed, expiring), checked against the caller's signature when
its deliveries must be signed, or the admin's session."""

import hashlib
import hmac
import os
import time

from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from escalations.core.config_cache import config_cached
from escalations.core.models import SignedCaller

SIGNATURE_HEADER = "X-Handoff-Signature"
TIMESTAMP_HEADER = "X-Handoff-Timestamp"
TOLERANCE_SECONDS = 300


class BrowserSessionAuthentication(SessionAuthentication):
    """Session auth that answers 401 (not 403) when nobody is logged in."""

    def authenticate_header(self, request):
        return 'Session realm="handoff"'


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex HMAC of "<timestamp>.<body>">`, what a signed caller sends."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class SignedTokenAuthentication(TokenAuthentication):
    """A knox token; for a login registered as a signed caller, also a valid HMAC signature of
    the timestamp and the body, within five minutes (a replayed delivery is too late)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        caller = config_cached(
            "signed_caller", user.pk, lambda: SignedCaller.objects.filter(user=user).first()
        )
        if caller is not None:
            _verify(request, caller)
        return user, token

    def authenticate_credentials(self, token: bytes):
        """Knox's check (the token's hash against the stored digests of its key), with the
        stored tokens kept like configuration: issuing, revoking or expiring a token renews
        the configuration token, so the next request of every process sees it."""
        raw = token.decode("utf-8")
        key = raw[: CONSTANTS.TOKEN_KEY_LENGTH]
        stored = config_cached(
            "api_tokens",
            key,
            lambda: tuple(AuthToken.objects.filter(token_key=key).select_related("user")),
        )
        for auth_token in stored:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(raw)
            except (TypeError, ValueError):
                break
            if hmac.compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise AuthenticationFailed("Invalid token.")

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse (and forget) this token if it expired. Knox would also look through every
        other token of the login on each request; the watchdog forgets expired ones instead
        (`api_tokens_purge`)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def _verify(request, caller: SignedCaller) -> None:
    sent = request.headers.get(SIGNATURE_HEADER, "")
    stamp = request.headers.get(TIMESTAMP_HEADER, "")
    if not sent and not caller.require_signature:
        return
    if not sent or not stamp:
        raise AuthenticationFailed(f"Sign the request: {SIGNATURE_HEADER} and {TIMESTAMP_HEADER}.")
    try:
        age = abs(time.time() - int(stamp))
    except ValueError:
        raise AuthenticationFailed(f"{TIMESTAMP_HEADER} is not a Unix time.") from None
    if age > TOLERANCE_SECONDS:
        raise AuthenticationFailed("The signature's timestamp is too old or in the future.")
    secret = os.environ.get(caller.secret_env, "")
    if not secret:
        raise AuthenticationFailed("This caller's signing secret is not configured.")
    expected = signature_for(secret, stamp, request._request.body)
    if not hmac.compare_digest(expected, sent):
        raise AuthenticationFailed("The signature does not match the request.")
