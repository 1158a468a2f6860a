"""The dashboard's figures over the API: GET /api/reports/escalations/ with the same filter
(start, end, workspace and team by slug or id, changed_on); 400 with field errors for a bad
filter or one that names nothing."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from escalations.reports.filters import ReportFilter
from escalations.reports.report import escalation_report


class CanReadEscalations(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("escalations.view_escalation"))


class EscalationReportView(APIView):
    """Escalation volume, first human response, resolution, first-contact resolution, SLA
    breaches, bottlenecks, the AI thresholds per task category, and (with changed_on) the key
    figures before and after that day."""

    permission_classes = [CanReadEscalations]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATE, description="First day (default: 30 days ago)."
            ),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today)."),
            OpenApiParameter(
                "workspace", OpenApiTypes.STR, description="The workspace's slug or id."
            ),
            OpenApiParameter(
                "team", OpenApiTypes.STR, description="The receiving team's slug or id."
            ),
            OpenApiParameter("changed_on", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        form = ReportFilter(request.query_params)
        if not form.is_valid():
            errors = {field: list(messages) for field, messages in form.errors.items()}
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        figures = escalation_report(form.period(), form.cleaned_data.get("changed_on"))
        figures["thresholds"] = [asdict(row) for row in figures["thresholds"]]
        return Response(figures)
