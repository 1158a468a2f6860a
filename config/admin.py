"""Handoff's admin site: Unfold's, with autocomplete results that name each workspace-owned
entry's workspace (a team of one name exists in every workspace made from a template), and a
refusal page in the admin's own look wherever a page is not for the person asking."""

from functools import wraps

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.sites import UnfoldAdminSite

# Said when a refusal gives no reason of its own.
REFUSAL_DEFAULT = gettext_lazy(
    "Your role does not allow this. A support manager can give your login the role it needs."
)


class WorkspaceNamingAutocompleteView(AutocompleteJsonView):
    # Imported here: the admin modules import this site, so it must load before them.
    def get_queryset(self):
        from escalations.admin.workspace_scope import with_workspace

        return with_workspace(super().get_queryset())

    def serialize_result(self, obj, to_field_name):
        from escalations.admin.workspace_scope import workspace_label

        return {**super().serialize_result(obj, to_field_name), "text": workspace_label(obj)}


class HandoffAdminSite(UnfoldAdminSite):
    def admin_view(self, view, cacheable=False):
        """Every admin page, Django's and Handoff's own: a PermissionDenied raised inside it
        answers 403 with the refusal page, which says why, instead of a bare "Forbidden"."""
        return super().admin_view(self._refusing(view), cacheable)

    def _refusing(self, view):
        @wraps(view)
        def refusing(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                return self.refusal(request, str(exc) or REFUSAL_DEFAULT)

        return refusing

    def refusal(self, request, reason) -> TemplateResponse:
        context = {
            **self.each_context(request),
            "title": _("You cannot do this here"),
            "reason": reason,
        }
        return TemplateResponse(request, "admin/refused.html", context, status=403)

    def autocomplete_view(self, request):
        return WorkspaceNamingAutocompleteView.as_view(admin_site=self)(request)
