"""The API's answers about tickets: the ticket with its status and the moves it may make, its
messages, audit trail and escalations, and the teams and rules it meets."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.core.api.fields_once import FieldsOnce
from escalations.core.models import TicketEvent
from escalations.sla.api.serializers import SlaClockSerializer
from escalations.tickets.audit import event_description
from escalations.tickets.models import Escalation, Message, Team, Ticket
from escalations.tickets.selectors.workflow_targets import allowed_transitions
from escalations.tickets.selectors.workflows import ticket_offers, ticket_status
from escalations.tickets.services.tickets import CREATE_FIELDS


class StatusSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True, help_text="Its lifecycle state.")


class AllowedStatusSerializer(StatusSerializer):
    sign_offs_missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The sign-offs still needed before the ticket may move there.",
    )
    needs_escalation = serializers.BooleanField(
        read_only=True, help_text="Reached by an escalation (POST /api/escalations/)."
    )


def status_json(status) -> dict:
    return {"slug": status.slug, "name": status.name, "state": status.state}


class TicketSerializer(FieldsOnce, serializers.ModelSerializer):
    context_free = True  # no field reads the request: a page's tickets share one set

    status = serializers.SerializerMethodField(help_text="The workspace status.")
    state = serializers.CharField(source="status", read_only=True, help_text="Lifecycle state.")
    allowed_statuses = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    sla_policy = serializers.SlugRelatedField(slug_field="name", read_only=True)
    sla_clocks = SlaClockSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = (
            "id",
            *CREATE_FIELDS,
            "status",
            "state",
            "allowed_statuses",
            "allowed_transitions",
            "snoozed_until",
            "sla_policy",
            "sla_due_at",
            "sla_clocks",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
        )
        read_only_fields = fields

    @extend_schema_field(StatusSerializer)
    def get_status(self, ticket) -> dict:
        return status_json(ticket_status(ticket))

    @extend_schema_field(AllowedStatusSerializer(many=True))
    def get_allowed_statuses(self, ticket) -> list[dict]:
        return [
            {
                **status_json(offer.status),
                "sign_offs_missing": list(offer.missing_sign_offs),
                "needs_escalation": offer.needs_escalation,
            }
            for offer in ticket_offers(ticket)
        ]

    def get_allowed_transitions(self, ticket) -> list[str]:
        """The lifecycle steps of the allowed moves (kept for callers that name steps)."""
        return allowed_transitions(ticket)


class MessageSerializer(FieldsOnce, serializers.ModelSerializer):
    internal = serializers.BooleanField(source="is_internal", read_only=True)

    class Meta:
        model = Message
        fields = ("id", "ticket", "author_kind", "author_name", "body", "internal", "created_at")
        read_only_fields = fields


class TicketEventSerializer(serializers.ModelSerializer):
    """One entry of the audit trail, as the admin's ticket page shows it."""

    created_at = serializers.DateTimeField(
        read_only=True, help_text=_("When it happened: ISO 8601, to the microsecond.")
    )
    description = serializers.SerializerMethodField(help_text=_("What changed, in words."))

    class Meta:
        model = TicketEvent
        fields = (
            "id",
            "event_type",
            "created_at",
            "actor_kind",
            "actor_label",
            "description",
            "from_value",
            "to_value",
            "reason",
            "data",
        )
        read_only_fields = fields

    def get_description(self, event) -> str:
        return event_description(event)


class EscalationSerializer(serializers.ModelSerializer):
    """An escalation with its handoff package: what the receiving human starts from."""

    from_team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_agent = serializers.StringRelatedField()

    class Meta:
        model = Escalation
        fields = (
            "id",
            "ticket",
            "kind",
            "trigger",
            "rule",
            "rule_name",
            "reasons",
            "from_team",
            "from_tier",
            "to_team",
            "to_tier",
            "to_agent",
            "summary",
            "conversation_snapshot",
            "crm_snapshot",
            "ai_attempts",
            "ai_confidence",
            "ai_sentiment",
            "triggered_at",
            "first_human_response_at",
            "resolved_at",
            "is_rerouted",
        )
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Team
        fields = (
            "id",
            "workspace",
            "slug",
            "name",
            "tier",
            "is_escalation_target",
            "assignment_strategy",
            "only_available",
            "max_open_per_agent",
            "fallback",
        )
        read_only_fields = fields
