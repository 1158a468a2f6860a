"""Handoff's admin site: Unfold's, with autocomplete results that name each workspace-owned
entry's workspace (a team of one name exists in every workspace made from a template)."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from unfold.sites import UnfoldAdminSite


class WorkspaceNamingAutocompleteView(AutocompleteJsonView):
    # Imported here: the admin modules import this site, so it must load before them.
    def get_queryset(self):
        from escalations.admin.workspace_scope import with_workspace

        return with_workspace(super().get_queryset())

    def serialize_result(self, obj, to_field_name):
        from escalations.admin.workspace_scope import workspace_label

        return {**super().serialize_result(obj, to_field_name), "text": workspace_label(obj)}


class HandoffAdminSite(UnfoldAdminSite):
    def autocomplete_view(self, request):
        return WorkspaceNamingAutocompleteView.as_view(admin_site=self)(request)
