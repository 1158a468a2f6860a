from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from escalations.core.api.permissions import ModelPermissions
from templates_catalog.api.serializers import (
    UseTemplateInput,
    WorkflowTemplateDetailSerializer,
    WorkflowTemplateSerializer,
    WorkspaceMadeSerializer,
)
from templates_catalog.instantiate import USE_PERMISSION, template_instantiate
from templates_catalog.selectors import template_catalog


class CanUseTemplates(ModelPermissions):
    """The admin's rule for *Use template*, for the API's POST."""

    perms_map = {**ModelPermissions.perms_map, "POST": [USE_PERMISSION]}


# One of the catalog's slugs (the files in fixtures/templates/), so readers of the schema and
# its fuzz test find a template, not only the 404.
_SLUG = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The template's slug."),
    examples=[OpenApiExample("customer-service-escalation", value="customer-service-escalation")],
)


@extend_schema_view(
    list=extend_schema(description=_("The template catalog, in its order.")),
    retrieve=extend_schema(
        description=_("One template, with what using it creates."), parameters=[_SLUG]
    ),
)
class WorkflowTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """The template catalog: read it, and use a template to make a new workspace."""

    serializer_class = WorkflowTemplateSerializer
    permission_classes = [ModelPermissions]
    lookup_field = "slug"

    def get_queryset(self):
        return template_catalog()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return WorkflowTemplateDetailSerializer
        return super().get_serializer_class()  # the list's, or the action's own (use)

    @extend_schema(
        description=_(
            "A new workspace set up as the template says, as the admin's Use template makes "
            "it; all or nothing."
        ),
        parameters=[_SLUG],
        request=UseTemplateInput,
        responses={
            201: WorkspaceMadeSerializer,
            400: OpenApiResponse(
                description=_("Field errors: no name, a bad or taken slug, an unknown field.")
            ),
            404: OpenApiResponse(description=_("There is no template with this slug.")),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanUseTemplates],
        serializer_class=UseTemplateInput,  # the browsable API's form
    )
    def use(self, request, slug=None):
        template = self.get_object()
        payload = UseTemplateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        # The service's refusals (a taken slug) are field errors: 400 by the exception handler.
        workspace = template_instantiate(template=template, **payload.validated_data)
        answer = WorkspaceMadeSerializer(workspace, context={"request": request}).data
        return Response(
            answer, status=status.HTTP_201_CREATED, headers={"Location": answer["admin_url"]}
        )
