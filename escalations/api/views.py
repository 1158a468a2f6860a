from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from escalations import selectors
from escalations.actors import Actor
from escalations.api.permissions import CanTransitionTickets, ModelPermissions
from escalations.api.serializers import TicketSerializer, TransitionRequestSerializer
from escalations.errors import IllegalTransition
from escalations.services.transitions import ticket_transition


class TicketViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TicketSerializer
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        return selectors.ticket_list_queryset().order_by("-created_at", "-id")

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
