"""The rules as the REST API shows them (read-only)."""

from rest_framework import serializers

from escalations.rules.models import Rule


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
