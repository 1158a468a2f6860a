"""Handoff's admin site: Unfold's, with autocomplete results that name each workspace-owned
entry's workspace (a team of one name exists in every workspace made from a template), a
refusal page in the admin's own look wherever a page is not for the person asking, and one
current sidebar entry on every page."""

from functools import wraps
from urllib.parse import parse_qs, urlsplit

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.sites import UnfoldAdminSite

# Said when a refusal gives no reason of its own.
REFUSAL_DEFAULT = gettext_lazy(
    "Your role does not allow this. A support manager can give your login the role it needs."
)


class WorkspaceNamingAutocompleteView(AutocompleteJsonView):
    def get_queryset(self):
        # Imported here: the admin modules import this site, so it must load before them.
        from escalations.tickets.admin.workspace_scope import with_workspace

        return with_workspace(super().get_queryset())

    def serialize_result(self, obj, to_field_name):
        # Imported here, as above: this site loads before the admin modules.
        from escalations.tickets.admin.workspace_scope import workspace_label

        return {**super().serialize_result(obj, to_field_name), "text": workspace_label(obj)}


def current_link(path: str, query: str, links: list[str], index: str) -> int | None:
    """Which of the sidebar's links names the page at `path?query`, by position, or None.

    Several links lead into one list (*Tickets*, *Escalated now* and *Escalated incidents* are
    the ticket list filtered) or into its pages (*Reports* lives under the escalation list), so
    the most particular link that the page matches wins: the longest path the page is at or
    under, then the most filters the page has too. The front page is current only on itself.
    """
    asked = parse_qs(query)
    best, best_score = None, None
    for position, link in enumerate(links):
        parts = urlsplit(link)
        at_or_under = path == parts.path or (
            parts.path != index and parts.path.endswith("/") and path.startswith(parts.path)
        )
        filters = parse_qs(parts.query)
        if not at_or_under or any(asked.get(key) != value for key, value in filters.items()):
            continue
        score = (len(parts.path), len(filters))
        if best_score is None or score > best_score:
            best, best_score = position, score
    return best


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

    def get_sidebar_list(self, request):
        """Unfold marks every link whose path the page's contains; only the one link that names
        the page best stays current."""
        groups = super().get_sidebar_list(request)
        items = [
            item
            for group in groups
            for entry in group["items"]
            for item in (entry, *entry.get("items", ()))
            if item.get("has_permission")
        ]
        links = [str(item.get("link_callback") or item["link"]) for item in items]
        index = reverse(f"{self.name}:index")
        current = current_link(request.path, request.GET.urlencode(), links, index)
        for group in groups:
            for entry in group["items"]:
                entry["active"] = False
                for sub in entry.get("items", ()):
                    sub["active"] = False
        if current is not None:
            items[current]["active"] = True
        return groups
