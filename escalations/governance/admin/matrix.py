"""Escalation matrices in the admin: the cells, and the grid with priorities highlighted."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import TabularInline

from escalations.governance.admin.matrix_sheet import MatrixCellResource
from escalations.governance.models import EscalationMatrix, EscalationMatrixCell, PriorityMatrix
from escalations.spreadsheets.admin import SpreadsheetAdmin
from escalations.tickets.admin.base import DirectoryAdmin
from escalations.tickets.admin.workspace_scope import WorkspaceScopedInline


class CellInline(WorkspaceScopedInline, TabularInline):
    model = EscalationMatrixCell
    extra = 0
    fields = (
        "level",
        "severity",
        "contact",
        "team",
        "channel",
        "respond_within_minutes",
        "highlight",
    )


@admin.register(EscalationMatrix)
class EscalationMatrixAdmin(SpreadsheetAdmin, DirectoryAdmin, SimpleHistoryAdmin):
    resource_classes = [MatrixCellResource]
    list_display = ("title", "workspace", "severity_source")
    list_filter = ("workspace",)
    search_fields = ("title", "summary")
    inlines = [CellInline]
    change_form_template = "escalations/admin/escalation_matrix.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        matrix = self.get_object(request, object_id)
        return super().change_view(
            request,
            object_id,
            form_url,
            {"grid": matrix_grid(matrix) if matrix else None, **(extra_context or {})},
        )


def matrix_grid(matrix: EscalationMatrix) -> dict:
    cells = {(c.level, c.severity): c for c in matrix.cells.select_related("team")}
    return {
        "severities": matrix.severities,
        "rows": [
            {"level": level, "cells": [cells.get((level, s)) for s in matrix.severities]}
            for level in matrix.levels
        ],
    }


@admin.register(PriorityMatrix)
class PriorityMatrixAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "impact_field", "urgency_field")
    list_filter = ("workspace",)
    fields = ("workspace", "impact_field", "urgency_field", "impacts", "urgencies", "priorities")
