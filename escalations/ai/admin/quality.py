"""Quality-control checklists in the admin, and the flags the AI raised against them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from escalations.ai.models import QualityChecklist, QualityFlag
from escalations.tickets.admin.base import DirectoryAdmin
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin


@admin.register(QualityChecklist)
class QualityChecklistAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    list_display = ("title", "workspace", "recurrences", "within_hours", "to_team")
    list_filter = ("workspace",)
    search_fields = ("title", "summary")


@admin.register(QualityFlag)
class QualityFlagAdmin(WorkspaceScopedAdmin, ModelAdmin):
    list_display = ("flagged_at", "error_type", "severity", "ticket", "checklist")
    list_filter = ("severity", "error_type", "checklist")
    list_select_related = ("ticket", "checklist")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
