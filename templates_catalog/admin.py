"""The catalog in the admin: browse the ten templates, see what each one sets up, and use one
to make a new workspace."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from escalations.tickets.admin.base import add_service_errors
from templates_catalog.forms import UseTemplateForm
from templates_catalog.instantiate import USE_PERMISSION, template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.selectors import (
    teams_without_agents,
    template_preview,
    template_summary,
)


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(ModelAdmin):
    list_display = ("name", "category", "audience", "sets_up", "version")
    list_filter = ("category",)
    search_fields = ("name", "description", "audience")
    fields = ("name", "category", "audience", "description", "version", "source", "loaded_at")
    readonly_fields = fields
    change_form_template = "templates_catalog/admin/template_detail.html"

    @display(description="Sets up")
    def sets_up(self, obj):
        return template_summary(obj.spec)

    def has_add_permission(self, request):
        return False  # templates come from their files (manage.py handoff_templates)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        use = self.admin_site.admin_view(self.use_view)
        return [
            path("<int:pk>/use/", use, name="templates_catalog_workflowtemplate_use"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        template = self.get_object(request, object_id)
        extra = {
            "preview": template_preview(template.spec) if template else [],
            "can_use": request.user.has_perm(USE_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def use_view(self, request, pk: int):
        """Use template: a new workspace from it, named here."""
        if not request.user.has_perm(USE_PERMISSION):
            raise PermissionDenied(
                _(
                    "Using a template makes a new workspace, and your role does not add "
                    "workspaces. You can read the template; a support manager can use it."
                )
            )
        template = get_object_or_404(WorkflowTemplate, pk=pk)
        form = UseTemplateForm(request.POST or None, template=template)
        if request.method == "POST" and form.is_valid():
            try:
                workspace = template_instantiate(
                    template=template,
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    members_from=form.members_from(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, self._made_message(workspace, template))
                return redirect("admin:escalations_workspace_change", workspace.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Use the template {template.name}",
            "opts": self.model._meta,
            "original": template,
            "form": form,
            "cancel_url": reverse("admin:templates_catalog_workflowtemplate_change", args=[pk]),
            "intro": _(
                "This makes a new workspace with everything the template %(template)s (version "
                "%(version)s) sets up. The template itself never changes."
            )
            % {"template": template.name, "version": template.version},
            "submit_label": _("Create the workspace"),
        }
        return TemplateResponse(request, "escalations/admin/service_form.html", context)

    def _made_message(self, workspace, template) -> str:
        """What was made, and what is left to do: the teams still without agents."""
        made = _("%(workspace)s is ready, made from %(template)s (v%(version)s): %(summary)s.") % {
            "workspace": workspace.name,
            "template": template.name,
            "version": template.version,
            "summary": template_summary(template.spec),
        }
        empty = teams_without_agents(workspace)
        if not empty:
            left = _("Its teams have their agents.")
        elif len(empty) == len(template.spec["teams"]):
            left = _("Rename the teams and add their agents to start.")
        else:
            left = _("Add agents to %(teams)s to start.") % {"teams": ", ".join(empty)}
        return f"{made} {left}"
