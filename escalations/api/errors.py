"""Errors as API answers: 400 with field errors, 409 for a move the ticket's state forbids."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from escalations.errors import HandoffError, IllegalTransition


def exception_handler(exc, context):
    if isinstance(exc, IllegalTransition):
        return Response(
            {
                "code": exc.code,
                "detail": exc.message,
                "current_status": exc.current,
                "allowed_transitions": exc.allowed,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, HandoffError):
        return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return validation_response(exc)
    return drf_exception_handler(exc, context)


def validation_response(exc: DjangoValidationError) -> Response:
    """A service's refusal: field errors are 400; one about the ticket's state is 409."""
    if hasattr(exc, "error_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": exc.messages}, status=status.HTTP_409_CONFLICT)
