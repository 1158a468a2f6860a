"""AI verdicts in the API: what the AI says about a ticket, and the decision with the checks
that led to it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.ai.models import AiVerdict
from escalations.ai.verdict_checks import check_text
from escalations.core.api.fields_once import FieldsOnce
from escalations.core.api.strict import RefusesUnknownFields


class VerdictRequestSerializer(RefusesUnknownFields, FieldsOnce, serializers.Serializer):
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


class VerdictCheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    value = serializers.JSONField(required=False, allow_null=True)
    threshold = serializers.JSONField(required=False, allow_null=True)
    problems = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Field formats: what is wrong."
    )
    detail = serializers.CharField(help_text="What the check found, passed or failed.")


class VerdictSerializer(FieldsOnce, serializers.ModelSerializer):
    escalation = serializers.PrimaryKeyRelatedField(read_only=True)
    checks = serializers.SerializerMethodField()

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

    @extend_schema_field(VerdictCheckSerializer(many=True))
    def get_checks(self, verdict) -> list[dict]:
        return [
            {**check, "detail": check_text(check, policy_name=verdict.policy_name)}
            for check in verdict.checks
        ]
