"""Errors as API answers: 400 with field errors, 409 for a move the ticket's state forbids."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from escalations.core.errors import HandoffError, IllegalTransition


def illegal_move_response(exc: IllegalTransition) -> Response:
    """409 with the ticket's status and the statuses it may move to (workflow statuses), or
    the plain values another refusal carries."""
    body = {"code": exc.code, "detail": str(exc.message)}
    if hasattr(exc.current, "slug"):  # a workflow Status (the core knows its shape only)
        body["current_status"] = _status(exc.current)
        body["allowed_statuses"] = [_status(s) for s in exc.allowed]
    else:
        body["current_status"] = exc.current
        body["allowed_transitions"] = exc.allowed
    return Response(body, status=status.HTTP_409_CONFLICT)


def _status(value) -> dict:
    return {"slug": value.slug, "name": value.name, "state": value.state}


def exception_handler(exc, context):
    if isinstance(exc, IllegalTransition):
        return illegal_move_response(exc)
    if isinstance(exc, HandoffError):
        return Response(
            {"code": exc.code, "detail": str(exc.message)}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        return validation_response(exc)
    return drf_exception_handler(exc, context)


def validation_response(exc: DjangoValidationError) -> Response:
    """A service's refusal: field errors are 400; one about the ticket's state is 409."""
    if hasattr(exc, "error_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
