from rest_framework import serializers

from escalations.lifecycle import TRANSITION_NAMES, available_transitions
from escalations.models import Ticket, TicketStatus
from escalations.services.tickets import CREATE_FIELDS


class TicketSerializer(serializers.ModelSerializer):
    allowed_transitions = serializers.SerializerMethodField()
    custom_status = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Ticket
        fields = (
            "id",
            *CREATE_FIELDS,
            "status",
            "custom_status",
            "allowed_transitions",
            "snoozed_until",
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
