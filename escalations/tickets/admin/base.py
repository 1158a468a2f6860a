"""Admin plumbing shared by every Handoff page: writes go through services; and the front
page's figures."""

from django.contrib import messages
from django.db.models import ProtectedError
from unfold.admin import ModelAdmin

from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin
from escalations.tickets.selectors import screens as selectors
from escalations.tickets.services.directory import directory_delete, directory_save


class DirectoryAdmin(WorkspaceScopedAdmin, ModelAdmin):
    """A directory object's page: saves and deletes (inlines too) go through the services; its
    pickers offer the object's workspace's entries."""

    def save_model(self, request, obj, form, change):
        directory_save(instance=obj)

    def delete_model(self, request, obj):
        try:
            directory_delete(instance=obj)
        except ProtectedError as exc:
            self._refuse_delete(request, obj, exc)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            directory_delete(instance=obj)
        for obj in instances:
            directory_save(instance=obj)
        formset.save_m2m()

    def _refuse_delete(self, request, obj, exc: ProtectedError) -> None:
        count = len(exc.protected_objects)
        self.message_user(
            request,
            f"{obj} was not deleted: {count} record(s) still refer to it.",
            level=messages.ERROR,
        )


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: by field where the form has it."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def dashboard_callback(request, context):
    """The admin's front page: the live queue at a glance, each figure a link to its list."""
    if request.user.has_perm("escalations.view_ticket"):
        context["overview"] = selectors.work_overview(request.user)
    return context
