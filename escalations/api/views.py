from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from escalations import selectors
from escalations.actors import Actor
from escalations.api.permissions import (
    CanChangeTickets,
    CanSendVerdicts,
    CanTransitionTickets,
    ModelPermissions,
)
from escalations.api.serializers import (
    SnoozeRequestSerializer,
    TicketSerializer,
    TransitionRequestSerializer,
    VerdictRequestSerializer,
    VerdictSerializer,
)
from escalations.errors import IllegalTransition
from escalations.services.ai_handoff import ai_verdict_record
from escalations.services.snooze import snooze_end, ticket_snooze
from escalations.services.transitions import ticket_transition


class TicketViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TicketSerializer
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        return (
            selectors.ticket_list_queryset()
            .prefetch_related("sla_clocks")
            .order_by("-created_at", "-id")
        )

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanChangeTickets],
        serializer_class=SnoozeRequestSerializer,
    )
    def snooze(self, request, pk=None):
        """Snooze until a time (the ticket waits on the customer), or wake it with null."""
        ticket = self.get_object()
        payload = SnoozeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        until, reason = payload.validated_data["until"], payload.validated_data["reason"]
        actor = Actor.api(request.user)
        try:
            if until is None:
                snooze_end(ticket=ticket, actor=actor, reason=reason or "Woken through the API.")
            else:
                ticket_snooze(ticket=ticket, until=until, actor=actor, reason=reason)
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"until": exc.messages}
            if "snoozed_until" in errors:
                errors["until"] = errors.pop("snoozed_until")
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(TicketSerializer(self.get_queryset().get(pk=ticket.pk)).data)

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanSendVerdicts],
        serializer_class=VerdictRequestSerializer,
    )
    def verdicts(self, request, pk=None):
        """The AI's verdict on the ticket; the answer says whether a person takes over."""
        ticket = self.get_object()
        payload = VerdictRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            verdict = ai_verdict_record(
                ticket=ticket, actor=Actor.api(request.user), **payload.validated_data
            )
        except DjangoValidationError as exc:
            return _validation_response(exc, ticket_state_field="detail")
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanTransitionTickets],
        serializer_class=TransitionRequestSerializer,
    )
    def transition(self, request, pk=None):
        """Move the ticket along its lifecycle; 409 when the move is not allowed now."""
        ticket = self.get_object()
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            ticket = ticket_transition(
                ticket=ticket,
                actor=Actor.api(request.user),
                **payload.validated_data,
            )
        except IllegalTransition as exc:
            return Response(
                {
                    "code": exc.code,
                    "detail": exc.message,
                    "current_status": exc.current,
                    "allowed_transitions": exc.allowed,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(TicketSerializer(self.get_queryset().get(pk=ticket.pk)).data)


def _validation_response(exc: DjangoValidationError, *, ticket_state_field: str) -> Response:
    """A service's refusal as 400 with field errors; one about the ticket's state as 409."""
    if hasattr(exc, "error_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({ticket_state_field: exc.messages}, status=status.HTTP_409_CONFLICT)
