"""The catalog's part of /api/ (one API, one schema: included next to the escalations' routes,
as `escalations` may not know the catalog)."""

from rest_framework.routers import SimpleRouter

from templates_catalog.api.views import WorkflowTemplateViewSet

router = SimpleRouter()
router.register("templates", WorkflowTemplateViewSet, basename="workflowtemplate")

urlpatterns = router.urls
