"""The API's answers about service levels: a ticket's clocks with their due and fired moments,
and the SLA policies with their targets."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.sla.models import SlaClock, SlaPolicy, SlaTarget


class SlaClockSerializer(serializers.ModelSerializer):
    target_minutes = serializers.SerializerMethodField()
    warn_due_at = serializers.SerializerMethodField(
        help_text=_("When the warning was due (it fired), or is due now; null without one.")
    )
    breach_due_at = serializers.SerializerMethodField(
        help_text=_("When the breach was due (it fired), or is due now; null while paused.")
    )
    warned_at = serializers.DateTimeField(
        source="warning_fired_at",
        read_only=True,
        help_text=_("When the warning really fired; null if it has not."),
    )
    breached_at = serializers.DateTimeField(
        source="breach_fired_at",
        read_only=True,
        help_text=_("When the breach really fired; null if it has not."),
    )

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
            "warn_due_at",
            "breach_due_at",
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

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_warn_due_at(self, clock) -> str | None:
        return self._moment(clock.warned_at or clock.warning_at)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_breach_due_at(self, clock) -> str | None:
        return self._moment(clock.breached_at or clock.due_at)

    @staticmethod
    def _moment(value) -> str | None:
        return None if value is None else serializers.DateTimeField().to_representation(value)


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
            "applies_to_all",
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
