"""The escalation procedure (SOP) of a workspace as one printable page, read from its live
configuration."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from unfold.decorators import display

from escalations.incidents.selectors import procedure_document
from escalations.tickets.models import Workspace


class ProcedurePage:
    """For the workspace admin: the printable procedure and a link to it."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.procedure_view)
        return [
            path("<int:pk>/procedure/", view, name="escalations_workspace_procedure"),
            *super().get_urls(),
        ]

    def procedure_view(self, request, pk: int):
        if not request.user.has_perm("escalations.view_workspace"):
            raise PermissionDenied
        workspace = get_object_or_404(Workspace, pk=pk)
        return TemplateResponse(
            request, "escalations/print/procedure.html", procedure_document(workspace)
        )

    @display(description="Procedure")
    def procedure_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:escalations_workspace_procedure", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Printable escalation procedure</a>', url)
