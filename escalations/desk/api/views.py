from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from escalations.ai.api.serializers import VerdictRequestSerializer, VerdictSerializer
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core.actors import Actor
from escalations.core.api.errors import illegal_move_response, validation_response
from escalations.core.api.idempotency import idempotent
from escalations.core.api.permissions import (
    CanChangeTickets,
    CanReadAuditTrail,
    CanSendVerdicts,
    CanTransitionTickets,
    CanWriteMessages,
    ModelPermissions,
)
from escalations.core.errors import IllegalTransition
from escalations.desk.api.serializers import (
    EscalationSerializer,
    MessageSerializer,
    TeamSerializer,
    TicketEventSerializer,
    TicketSerializer,
)
from escalations.desk.api.workspace_serializers import WorkspaceSerializer
from escalations.tickets.api.filters import TicketFilter
from escalations.tickets.api.inputs import (
    EscalationInput,
    MessageInput,
    TicketCreateInput,
    TicketUpdateInput,
)
from escalations.tickets.api.request_serializers import (
    SnoozeRequestSerializer,
    TransitionRequestSerializer,
)
from escalations.tickets.filter_fields import ERR_NO_AGENT, agent_named, team_named
from escalations.tickets.models import Escalation, EscalationKind, Team, Ticket, Workspace
from escalations.tickets.selectors import screens as selectors
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.snooze import snooze_end, ticket_snooze
from escalations.tickets.services.tickets import ticket_open, ticket_update
from escalations.tickets.services.transitions import ticket_move, ticket_step


class TicketViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Tickets: list (filtered, paginated), read, open, edit, and their lifecycle."""

    serializer_class = TicketSerializer
    permission_classes = [ModelPermissions]
    filterset_class = TicketFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    # Actions that write to one ticket look it up without the list's joins and filters.
    _WRITES_ON_ONE = frozenset({"messages", "verdicts", "snooze", "transition"})

    def _writes_on_one(self) -> bool:
        return self.action in self._WRITES_ON_ONE and self.request.method == "POST"

    def get_queryset(self):
        if self._writes_on_one():
            return Ticket.objects.all()  # only its model is read (permissions); see get_object
        return selectors.ticket_api_queryset().order_by("-created_at", "-id")

    def get_object(self):
        if not self._writes_on_one():
            return super().get_object()
        try:
            pk = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except (TypeError, ValueError):
            raise Http404 from None
        ticket = selectors.ticket_to_write(pk)
        if ticket is None:
            raise Http404
        self.check_object_permissions(self.request, ticket)
        return ticket

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # the list's query parameters do not narrow a ticket's own URL
        return super().filter_queryset(queryset)

    def _answer(self, ticket, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.ticket_api_queryset().get(pk=ticket.pk)
        return Response(TicketSerializer(fresh).data, status=code)

    @extend_schema(request=TicketCreateInput, responses={201: TicketSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        """Open a ticket; a customer is found by e-mail or created."""
        payload = TicketCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        ticket = ticket_open(
            customer_data=data.pop("customer"), actor=Actor.api(request.user), **data
        )
        return self._answer(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=TicketUpdateInput, responses={200: TicketSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Change fields; every real change is on the audit trail."""
        ticket = self.get_object()
        payload = TicketUpdateInput(data=request.data, context={"ticket": ticket})
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        reason = changes.pop("reason", "")
        ticket = ticket_update(
            ticket=ticket, actor=Actor.api(request.user), changes=changes, reason=reason
        )
        return self._answer(ticket)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": "Send only what changes, with PATCH."},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(methods=["get"], responses={200: MessageSerializer(many=True)})
    @extend_schema(methods=["post"], request=MessageInput, responses={201: MessageSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=[CanWriteMessages])
    @idempotent
    def messages(self, request, pk=None):
        """The conversation; POST adds a customer, agent, AI or system message or a note."""
        ticket = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(ticket.messages.order_by("created_at", "id"))
            return self.get_paginated_response(MessageSerializer(page, many=True).data)
        payload = MessageInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        message = message_add(
            ticket=ticket,
            author_kind=data["author_kind"],
            body=data["body"],
            is_internal=data["internal"],
            author_name=data["author_name"],
            actor=Actor.api(request.user),
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TicketEventSerializer(many=True)})
    @action(detail=True, methods=["get"], permission_classes=[CanReadAuditTrail])
    def events(self, request, pk=None):
        """The ticket's audit trail, oldest first: who changed what, and when to the second."""
        ticket = self.get_object()
        page = self.paginate_queryset(ticket.events.order_by("created_at", "id"))
        return self.get_paginated_response(TicketEventSerializer(page, many=True).data)

    @extend_schema(request=SnoozeRequestSerializer, responses={200: TicketSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanChangeTickets],
        serializer_class=SnoozeRequestSerializer,  # the browsable API's form
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
        return self._answer(ticket)

    @extend_schema(request=VerdictRequestSerializer, responses={201: VerdictSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanSendVerdicts],
        serializer_class=VerdictRequestSerializer,  # the browsable API's form
    )
    @idempotent
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
            return validation_response(exc)
        return Response(VerdictSerializer(verdict).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionRequestSerializer, responses={200: TicketSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanTransitionTickets],
        serializer_class=TransitionRequestSerializer,  # the browsable API's form
    )
    def transition(self, request, pk=None):
        """Move the ticket to a status its workflow allows now; 409 when the workflow forbids
        the move (`status_move_forbidden`), a sign-off is missing or the ticket moved since
        (`stale_ticket`)."""
        ticket = self.get_object()
        payload = TransitionRequestSerializer(data=request.data, context={"ticket": ticket})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        actor = Actor.api(request.user)
        try:
            if "to_status" in data:
                ticket = ticket_move(ticket=ticket, actor=actor, **data)
            else:
                ticket = ticket_step(ticket=ticket, actor=actor, **data)
        except IllegalTransition as exc:
            return illegal_move_response(exc)
        return self._answer(ticket)


class EscalationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Hand-overs with their handoff package; POST escalates a ticket (agent-initiated)."""

    serializer_class = EscalationSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ("kind", "ticket")

    def get_queryset(self):
        return Escalation.objects.select_related("from_team", "to_team", "to_agent").order_by(
            "-triggered_at", "-id"
        )

    @extend_schema(request=EscalationInput, responses={201: EscalationSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        payload = EscalationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        ticket = get_object_or_404(Ticket, pk=data["ticket"])
        team = team_named(ticket.workspace_id, data["to_team"])
        if team is None or not team.is_escalation_target:
            return Response(
                {"to_team": [f"{data['to_team']!r} is not an escalation target here."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        agent = None
        if data["to_agent"]:
            agent = agent_named(data["to_agent"])
            if agent is None:
                return Response(
                    {"to_agent": [str(ERR_NO_AGENT).format(value=str(data["to_agent"]))]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        escalation = escalation_create(
            ticket=ticket,
            kind=EscalationKind.AGENT_INITIATED,
            trigger="api",
            to_team=team,
            to_agent=agent,
            summary=data.get("summary", ""),
            reasons=data["reasons"],
            summary_required=ticket.workspace.escalation_summary_required,
            to_status=data["to_status"] or None,
            actor=Actor.api(request.user),
        )
        return Response(EscalationSerializer(escalation).data, status=status.HTTP_201_CREATED)


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    permission_classes = [ModelPermissions]
    queryset = Team.objects.select_related("workspace").order_by("workspace", "tier", "name")
    filterset_fields = ("tier", "is_escalation_target")


class WorkspaceViewSet(viewsets.ReadOnlyModelViewSet):
    """Workspaces with their workflows (statuses, moves, where the system's moves land)."""

    serializer_class = WorkspaceSerializer
    permission_classes = [ModelPermissions]
    queryset = Workspace.objects.order_by("name", "pk")
    lookup_field = "slug"


class TokenCheckView(APIView):
    """GET /api/ping/: an integration checks its credentials (and the benchmarks measure what
    authentication, the rate limit and the framework cost alone). Answers who is calling."""

    @extend_schema(
        responses=inline_serializer("TokenCheck", {"login": serializers.CharField()}),
        summary="Check the caller's credentials",
    )
    def get(self, request):
        return Response({"login": request.user.get_username()})
