from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.ai.models import AiVerdict
from escalations.ai.verdict_checks import check_text
from escalations.core.api.fields_once import FieldsOnce
from escalations.core.api.strict import RefusesUnknownFields
from escalations.core.models import TicketEvent
from escalations.rules.models import Rule
from escalations.sla.models import SlaClock, SlaPolicy, SlaTarget
from escalations.tickets.audit import event_description
from escalations.tickets.lifecycle import TRANSITION_NAMES
from escalations.tickets.models import Escalation, Message, Team, Ticket, Workspace
from escalations.tickets.selectors.workflow_targets import allowed_transitions
from escalations.tickets.selectors.workflows import ticket_offers, ticket_status, workflow_of
from escalations.tickets.services.tickets import CREATE_FIELDS
from escalations.tickets.workflow import SystemMove


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


class TicketSerializer(serializers.ModelSerializer):
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


class WorkflowStatusSerializer(StatusSerializer):
    is_default = serializers.BooleanField(read_only=True)
    from_any_status = serializers.BooleanField(read_only=True)
    next = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The statuses a ticket here may move to (any-status ones included).",
    )


class WorkspaceSerializer(serializers.ModelSerializer):
    """A workspace with its workflow: the statuses, the moves between them, and where the
    system's own moves land."""

    statuses = serializers.SerializerMethodField()
    system_moves = serializers.SerializerMethodField(
        help_text="Where an escalation, a customer's reply, a snooze that ends and a snooze land."
    )
    builtin_workflow = serializers.SerializerMethodField(
        help_text="True: no statuses of its own; the lifecycle itself is the workflow."
    )

    class Meta:
        model = Workspace
        fields = (
            "id",
            "slug",
            "name",
            "description",
            "time_zone",
            "template_slug",
            "template_version",
            "is_active",
            "builtin_workflow",
            "statuses",
            "system_moves",
        )
        read_only_fields = fields

    def _workflow(self, workspace):
        return workflow_of(workspace.pk)

    @extend_schema_field(WorkflowStatusSerializer(many=True))
    def get_statuses(self, workspace) -> list[dict]:
        workflow = self._workflow(workspace)
        return [
            {
                **status_json(status),
                "is_default": status.is_default,
                "from_any_status": status.from_any,
                "next": [s.slug for s in workflow.next_statuses(status)],
            }
            for status in workflow.statuses
        ]

    @extend_schema_field(serializers.DictField(child=serializers.CharField(allow_null=True)))
    def get_system_moves(self, workspace) -> dict:
        workflow = self._workflow(workspace)
        return {
            str(move): (workflow.landing(move).slug if workflow.landing(move) else None)
            for move in SystemMove
        }

    def get_builtin_workflow(self, workspace) -> bool:
        return self._workflow(workspace).is_builtin
