"""GET /api/sla-policies/: the SLA policies with their targets, read-only."""

from rest_framework import viewsets

from escalations.core.api.permissions import ModelPermissions
from escalations.sla.api.serializers import SlaPolicySerializer
from escalations.sla.models import SlaPolicy


class SlaPolicyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SlaPolicySerializer
    permission_classes = [ModelPermissions]
    queryset = (
        SlaPolicy.objects.select_related("workspace", "ladder")
        .prefetch_related("targets")
        .order_by("workspace", "position", "name")
    )
