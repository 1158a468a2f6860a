"""Workspaces in the API, with their workflow: the statuses, the moves between them, and where
the system's own moves land."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.desk.api.serializers import StatusSerializer, status_json
from escalations.tickets.models import Workspace
from escalations.tickets.selectors.workflows import workflow_of
from escalations.tickets.workflow import SystemMove


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
