from rest_framework import serializers

from escalations.api.fields_once import FieldsOnce
from escalations.lifecycle import TRANSITION_NAMES, available_transitions
from escalations.models import (
    AiVerdict,
    Escalation,
    Message,
    Rule,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    Team,
    Ticket,
    TicketStatus,
)
from escalations.services.tickets import CREATE_FIELDS


class SlaClockSerializer(serializers.ModelSerializer):
    target_minutes = serializers.SerializerMethodField()

    class Meta:
        model = SlaClock
        fields = (
            "kind",
            "cycle",
            "state",
            "target_minutes",
            "business_hours",
            "started_at",
            "warning_at",
            "due_at",
            "warned_at",
            "breached_at",
            "stopped_at",
            "elapsed_seconds",
            "running_since",
            "pauses",
        )
        read_only_fields = fields

    def get_target_minutes(self, clock) -> float:
        return round(clock.target_seconds / 60, 2)


class TicketSerializer(serializers.ModelSerializer):
    allowed_transitions = serializers.SerializerMethodField()
    custom_status = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sla_policy = serializers.SlugRelatedField(slug_field="name", read_only=True)
    sla_clocks = SlaClockSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = (
            "id",
            *CREATE_FIELDS,
            "status",
            "custom_status",
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

    def get_allowed_transitions(self, ticket) -> list[str]:
        return [t.name for t in available_transitions(ticket)]


class TransitionRequestSerializer(serializers.Serializer):
    # Escalating needs an escalation (team, summary, context), not a bare move.
    transition = serializers.ChoiceField(choices=sorted(TRANSITION_NAMES - {"escalate"}))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expected_status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)


class SnoozeRequestSerializer(serializers.Serializer):
    until = serializers.DateTimeField(
        allow_null=True, help_text="When the ticket comes back; null wakes it now."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class VerdictRequestSerializer(FieldsOnce, serializers.Serializer):
    """What the AI says about a ticket; the decision comes back in the answer."""

    confidence = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1, default=None
    )
    intent = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="", help_text="Task category."
    )
    sentiment = serializers.FloatField(
        required=False, allow_null=True, min_value=-1, max_value=1, default=None
    )
    attempted_solutions = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=50, default=list
    )
    proposed_reply = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    flags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50, default=list
    )
    fields = serializers.DictField(
        required=False, default=dict, help_text="Custom fields the AI collected."
    )
    handoff_requested = serializers.BooleanField(required=False, default=False)


class VerdictSerializer(FieldsOnce, serializers.ModelSerializer):
    escalation = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = AiVerdict
        fields = (
            "id",
            "ticket",
            "received_at",
            "confidence",
            "intent",
            "sentiment",
            "flags",
            "handoff_requested",
            "policy_name",
            "policy_version",
            "decision",
            "reasons",
            "checks",
            "escalation",
        )
        read_only_fields = fields


class MessageSerializer(FieldsOnce, serializers.ModelSerializer):
    internal = serializers.BooleanField(source="is_internal", read_only=True)

    class Meta:
        model = Message
        fields = ("id", "ticket", "author_kind", "author_name", "body", "internal", "created_at")
        read_only_fields = fields


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


class SlaTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaTarget
        fields = (
            "priority",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
        )
        read_only_fields = fields


class SlaPolicySerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    targets = SlaTargetSerializer(many=True, read_only=True)
    ladder = serializers.StringRelatedField()

    class Meta:
        model = SlaPolicy
        fields = (
            "id",
            "workspace",
            "name",
            "position",
            "is_active",
            "is_default",
            "match_topics",
            "match_customer_tiers",
            "match_segments",
            "match_channels",
            "match_stores",
            "business_hours",
            "warning_percent",
            "pause_statuses",
            "ladder",
            "targets",
        )
        read_only_fields = fields


class RuleSerializer(serializers.ModelSerializer):
    rule_set = serializers.StringRelatedField()

    class Meta:
        model = Rule
        fields = (
            "id",
            "rule_set",
            "name",
            "position",
            "is_active",
            "description",
            "triggers",
            "wait_minutes",
            "condition",
            "condition_cel",
            "actions",
            "stop_processing",
            "version",
        )
        read_only_fields = fields
