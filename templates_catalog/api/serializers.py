"""The catalog as API answers, and what a caller sends to use a template."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from escalations.core.api.strict import RefusesUnknownFields
from escalations.tickets.models import Workspace
from templates_catalog.models import WorkflowTemplate
from templates_catalog.selectors import template_preview, template_summary


class PreviewSectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())


class WorkflowTemplateSerializer(serializers.ModelSerializer):
    sets_up = serializers.SerializerMethodField(
        help_text=_("How much using it sets up, in one line: teams, statuses, fields, …")
    )

    class Meta:
        model = WorkflowTemplate
        fields = (
            "slug",
            "name",
            "version",
            "category",
            "audience",
            "description",
            "position",
            "sets_up",
        )
        read_only_fields = fields

    def get_sets_up(self, template) -> str:
        return template_summary(template.spec)


class WorkflowTemplateDetailSerializer(WorkflowTemplateSerializer):
    preview = serializers.SerializerMethodField(
        help_text=_("What using it creates, section by section, as the admin previews it.")
    )

    class Meta(WorkflowTemplateSerializer.Meta):
        fields = (*WorkflowTemplateSerializer.Meta.fields, "preview")
        read_only_fields = fields

    @extend_schema_field(PreviewSectionSerializer(many=True))
    def get_preview(self, template) -> list:
        return PreviewSectionSerializer(template_preview(template.spec), many=True).data


class UseTemplateInput(RefusesUnknownFields, serializers.Serializer):
    name = serializers.CharField(max_length=120, help_text=_("The new workspace's name."))
    slug = serializers.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Leave it out to make it from the name."),
    )


class WorkspaceMadeSerializer(serializers.ModelSerializer):
    admin_url = serializers.SerializerMethodField(
        help_text=_("The workspace's page in the admin, where its teams are renamed and staffed.")
    )

    class Meta:
        model = Workspace
        fields = ("id", "slug", "name", "template_slug", "template_version", "admin_url")
        read_only_fields = fields

    def get_admin_url(self, workspace) -> str:
        path = reverse("admin:escalations_workspace_change", args=[workspace.pk])
        return self.context["request"].build_absolute_uri(path)
