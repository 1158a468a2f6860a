"""What API callers send: validated here for shape, then handed to the services, which check
the rest (workspaces, memberships, custom fields) and answer with field errors."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from escalations.core.api.fields_once import FieldsOnce
from escalations.core.api.strict import RefusesUnknownFields
from escalations.tickets.filter_fields import (
    ERR_NO_AGENT,
    ERR_NO_WORKSPACE,
    agent_named,
    team_named,
    workspace_named,
)
from escalations.tickets.models import AuthorKind, Channel, CustomerTier, Priority, Team, Tier


class CustomerInput(RefusesUnknownFields, serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=CustomerTier.choices, required=False)


class WorkspaceRef(serializers.CharField):
    """A workspace named by its slug or its id (tickets answer with the id)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        workspace = workspace_named(value)
        if workspace is None:
            raise serializers.ValidationError(str(ERR_NO_WORKSPACE).format(value=str(data)))
        return workspace

    def to_representation(self, value):
        return value.slug


class TicketCreateInput(RefusesUnknownFields, serializers.Serializer):
    workspace = WorkspaceRef(help_text=_("The workspace's slug or id."))
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=50_000, default="")
    customer = CustomerInput()
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    store = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    topic = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    team = serializers.CharField(
        required=False, allow_null=True, default=None, help_text=_("The team's slug or id.")
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.L1)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50, default=list
    )
    custom_fields = serializers.DictField(required=False, default=dict)
    ai_confidence = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=1, default=None
    )
    ai_intent = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    ai_sentiment = serializers.FloatField(
        required=False, allow_null=True, min_value=-1, max_value=1, default=None
    )

    def validate(self, data):
        if data.get("team"):
            data["team"] = _team(data["workspace"].pk, data["team"])
        return data


_MOVE_HINT = _("Statuses change through POST /api/tickets/{id}/transition/.")


class TicketUpdateInput(RefusesUnknownFields, serializers.Serializer):
    read_only_hints = {
        "status": _MOVE_HINT,
        "state": _MOVE_HINT,
        "custom_status": _MOVE_HINT,
        "snoozed_until": _("Snooze through POST /api/tickets/{id}/snooze/."),
        "workspace": _("A ticket stays in its workspace."),
    }

    subject = serializers.CharField(max_length=200, required=False)
    store = serializers.CharField(max_length=100, required=False, allow_blank=True)
    topic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    team = serializers.CharField(
        required=False, allow_null=True, help_text=_("The team's slug or id.")
    )
    assignee = serializers.CharField(
        required=False, allow_null=True, help_text=_("The agent's login or id; null: nobody.")
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=50
    )
    custom_fields = serializers.DictField(required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, data):
        ticket = self.context["ticket"]
        if data.get("team"):
            data["team"] = _team(ticket.workspace_id, data["team"])
        if data.get("assignee"):
            agent = agent_named(data["assignee"])
            if agent is None:
                raise serializers.ValidationError(
                    {"assignee": str(ERR_NO_AGENT).format(value=str(data["assignee"]))}
                )
            data["assignee"] = agent
        return data


class MessageInput(RefusesUnknownFields, FieldsOnce, serializers.Serializer):
    author_kind = serializers.ChoiceField(choices=AuthorKind.choices)
    body = serializers.CharField(max_length=50_000)
    internal = serializers.BooleanField(required=False, default=False)
    author_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )


class EscalationInput(RefusesUnknownFields, serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1)
    to_team = serializers.CharField(help_text=_("The receiving team's slug or id."))
    to_agent = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The agent's login or id; empty: the team's strategy."),
    )
    summary = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=20, default=list
    )
    to_status = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=60,
        help_text="One of the workspace's escalated statuses; empty: where escalations land.",
    )


def _team(workspace_id: int, value: str) -> Team:
    team = team_named(workspace_id, value)
    if team is None:
        raise serializers.ValidationError(
            {"team": _("The workspace has no team {value!r}.").format(value=str(value))}
        )
    return team
