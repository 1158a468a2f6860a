"""GET /api/rules/: the rules, read-only, for an integration that audits the configuration."""

from rest_framework import viewsets

from escalations.core.api.permissions import ModelPermissions
from escalations.rules.api.serializers import RuleSerializer
from escalations.rules.models import Rule


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RuleSerializer
    permission_classes = [ModelPermissions]
    queryset = Rule.objects.select_related("rule_set").order_by("rule_set", "position", "id")
    filterset_fields = ("rule_set", "is_active")
