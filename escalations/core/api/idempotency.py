"""Idempotent deliveries: a retried POST with the same `Idempotency-Key` gets the first answer
again and changes nothing, also when the retries arrive at the same moment.

The key is inserted in the transaction that does the work: a concurrent retry waits on the
unique index until the first commits, then finds the stored answer. Only successful answers
are kept; a refused delivery leaves no key, so it can be corrected and sent again.
"""

import hashlib
from functools import wraps

from django.db import connection
from rest_framework import status
from rest_framework.response import Response

from escalations.core import clock
from escalations.core.models import IdempotencyKey
from escalations.core.unit_of_work import all_or_nothing

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
            # Whatever fails inside rolls back the whole delivery, key included.
            with all_or_nothing():
                row_id = _claim(request.user.pk, key, fingerprint)
                if row_id is None:
                    return _replay(request.user, key, fingerprint)
                response = view_method(self, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    raise _Refused(response)
                _keep(row_id, response)
                return response
        except _Refused as refused:
            return refused.response

    return wrapper


def _claim(user_id: int, key: str, fingerprint: str) -> int | None:
    """Insert the key, or find it taken (None). A retry arriving while the first delivery is
    still running waits here, on the unique index, until that one commits or rolls back.
    One statement, no savepoint: INSERT ... ON CONFLICT DO NOTHING (PostgreSQL, SQLite)."""
    q = connection.ops.quote_name
    created_at = connection.ops.adapt_datetimefield_value(clock.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(IdempotencyKey._meta.db_table)} "
            f"({q('user_id')}, {q('key')}, {q('fingerprint')}, {q('created_at')}) "
            f"VALUES (%s, %s, %s, %s) ON CONFLICT ({q('user_id')}, {q('key')}) DO NOTHING "
            f"RETURNING {q('id')}",
            [user_id, key, fingerprint, created_at],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _keep(row_id: int, response) -> None:
    """Store the answer on the claimed key (one fixed statement)."""
    q = connection.ops.quote_name
    stored = IdempotencyKey._meta.get_field("response").get_db_prep_save(response.data, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(IdempotencyKey._meta.db_table)} "
            f"SET {q('status_code')} = %s, {q('response')} = %s WHERE {q('id')} = %s",
            [response.status_code, stored, row_id],
        )


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
