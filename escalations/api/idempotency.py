"""Idempotent deliveries: a retried POST with the same `Idempotency-Key` gets the first answer
again and changes nothing, also when the retries arrive at the same moment.

The key is inserted in the transaction that does the work: a concurrent retry waits on the
unique index until the first commits, then finds the stored answer. Only successful answers
are kept; a refused delivery leaves no key, so it can be corrected and sent again.
"""

import hashlib
from functools import wraps

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.response import Response

from escalations.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY = 200


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def idempotent(view_method):
    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or request.method != "POST":
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY:
            return Response(
                {HEADER: [f"At most {MAX_KEY} characters."]}, status=status.HTTP_400_BAD_REQUEST
            )
        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        row = IdempotencyKey.objects.create(
                            user=request.user, key=key, fingerprint=fingerprint
                        )
                except IntegrityError:
                    return _replay(request.user, key, fingerprint)
                response = view_method(self, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    raise _Refused(response)
                row.status_code, row.response = response.status_code, response.data
                row.save(update_fields=["status_code", "response"])
                return response
        except _Refused as refused:
            return refused.response

    return wrapper


def _replay(user, key: str, fingerprint: str) -> Response:
    row = IdempotencyKey.objects.get(user=user, key=key)
    if row.fingerprint != fingerprint:
        return Response(
            {HEADER: ["This key was used for a different request."]},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    response = Response(row.response, status=row.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
