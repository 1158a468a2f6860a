"""What the API takes to move a ticket to another status or to snooze it; unknown fields are
refused."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from escalations.core.api.strict import RefusesUnknownFields
from escalations.tickets.lifecycle import TRANSITION_NAMES
from escalations.tickets.selectors.workflows import workflow_of


class TransitionRequestSerializer(RefusesUnknownFields, serializers.Serializer):
    """Name the status to move to; a lifecycle step's name still works where it names one."""

    to_status = serializers.CharField(
        required=False, max_length=60, help_text="The workspace status's slug."
    )
    # Escalating needs an escalation (team, summary, context), not a bare move.
    transition = serializers.ChoiceField(
        choices=sorted(TRANSITION_NAMES - {"escalate"}),
        required=False,
        help_text="A lifecycle step, where it leads to one status.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expected_status = serializers.CharField(
        required=False,
        max_length=60,
        help_text="The status (or lifecycle state) you saw: a ticket that moved since is 409.",
    )

    def validate(self, data):
        if "to_status" not in data and "transition" not in data:
            raise serializers.ValidationError({"to_status": [_("Name the status to move to.")]})
        if "to_status" in data and "transition" in data:
            raise serializers.ValidationError(
                {"to_status": [_("Name the status or a lifecycle step, not both.")]}
            )
        ticket = self.context.get("ticket")
        if ticket is not None and "to_status" in data:
            workflow = workflow_of(ticket.workspace_id)
            if workflow.get(data["to_status"]) is None:
                raise serializers.ValidationError(
                    {
                        "to_status": [
                            _("{workspace} has no status {slug!r}; it has {slugs}.").format(
                                workspace=ticket.workspace,
                                slug=data["to_status"],
                                slugs=", ".join(s.slug for s in workflow.statuses),
                            )
                        ]
                    }
                )
        return data


class SnoozeRequestSerializer(RefusesUnknownFields, serializers.Serializer):
    until = serializers.DateTimeField(
        allow_null=True, help_text="When the ticket comes back; null wakes it now."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
