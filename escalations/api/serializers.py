from rest_framework import serializers

from escalations.lifecycle import TRANSITION_NAMES, available_transitions
from escalations.models import AiVerdict, SlaClock, Ticket, TicketStatus
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


class VerdictRequestSerializer(serializers.Serializer):
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


class VerdictSerializer(serializers.ModelSerializer):
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
