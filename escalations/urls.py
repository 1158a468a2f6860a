from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from escalations.desk.api.views import (
    EscalationViewSet,
    TeamViewSet,
    TicketViewSet,
    TokenCheckView,
    WorkspaceViewSet,
)
from escalations.reports.api import EscalationReportView
from escalations.rules.api.views import RuleViewSet
from escalations.sla.api.views import SlaPolicyViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("escalations", EscalationViewSet, basename="escalation")
router.register("teams", TeamViewSet, basename="team")
router.register("sla-policies", SlaPolicyViewSet, basename="slapolicy")
router.register("rules", RuleViewSet, basename="rule")
router.register("workspaces", WorkspaceViewSet, basename="workspace")

# The schema and its readers are public and served from this host (no CDN).
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="api-redoc",
    ),
    path("ping/", TokenCheckView.as_view(), name="ping"),
    path("reports/escalations/", EscalationReportView.as_view(), name="report-escalations"),
    *router.urls,
]
