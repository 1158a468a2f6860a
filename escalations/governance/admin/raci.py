"""RACI matrices in the admin: roles and activities, each activity's cells (checked: one
Accountable, someone Responsible), the matrix as a grid, and each person's own duties."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import TabularInline

from escalations.governance.admin.raci_sheet import RaciResource
from escalations.governance.models import (
    RACI_LETTERS,
    RaciActivity,
    RaciAssignment,
    RaciMatrix,
    RaciRole,
)
from escalations.governance.selectors import raci_duties_of
from escalations.governance.services.raci import activity_problems, letters_clean
from escalations.spreadsheets.admin import SpreadsheetAdmin
from escalations.tickets.admin.base import DirectoryAdmin
from escalations.tickets.admin.workspace_scope import WorkspaceScopedInline
from escalations.tickets.models import Agent


class RaciRoleInline(WorkspaceScopedInline, TabularInline):
    model = RaciRole
    extra = 0
    fields = ("name", "position", "team", "people")
    autocomplete_fields = ("people",)


class RaciActivityInline(TabularInline):
    model = RaciActivity
    extra = 0
    fields = ("name", "position", "escalation_level", "ai_involvement", "human_review")
    show_change_link = True


@admin.register(RaciMatrix)
class RaciMatrixAdmin(SpreadsheetAdmin, DirectoryAdmin, SimpleHistoryAdmin):
    resource_classes = [RaciResource]
    list_display = ("name", "workspace")
    list_filter = ("workspace",)
    search_fields = ("name", "description")
    inlines = [RaciRoleInline, RaciActivityInline]
    change_form_template = "escalations/admin/raci_matrix.html"

    def get_urls(self):
        mine = self.admin_site.admin_view(self.duties_view)
        return [path("mine/", mine, name="escalations_racimatrix_mine"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        matrix = self.get_object(request, object_id)
        grid = _grid(matrix) if matrix else None
        return super().change_view(
            request, object_id, form_url, {"grid": grid, **(extra_context or {})}
        )

    def duties_view(self, request):
        """What the signed-in person is Responsible, Accountable, Consulted, Informed for."""
        if not request.user.has_perm("escalations.view_racimatrix"):
            raise PermissionDenied
        agent = Agent.objects.filter(user=request.user).first()
        context = {
            **self.admin_site.each_context(request),
            "title": "My RACI duties",
            "opts": self.model._meta,
            "agent": agent,
            "duties": raci_duties_of(agent) if agent else [],
            "letters": RACI_LETTERS,
        }
        return TemplateResponse(request, "escalations/admin/raci_mine.html", context)


def _grid(matrix: RaciMatrix) -> dict:
    roles = list(matrix.roles.all())
    cells = {
        (c.activity_id, c.role_id): c.letters
        for c in RaciAssignment.objects.filter(activity__matrix=matrix)
    }
    rows = [
        {"activity": activity, "cells": [cells.get((activity.pk, role.pk), "") for role in roles]}
        for activity in matrix.activities.all()
    ]
    return {"roles": roles, "rows": rows}


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = RaciAssignment
        fields = ("role", "letters")

    def clean_letters(self):
        return letters_clean(self.cleaned_data["letters"])


class AssignmentFormSet(forms.BaseInlineFormSet):
    """The activity's cells together: one Accountable, someone Responsible, roles of the same
    matrix; refused at save time with the reason."""

    def clean(self):
        super().clean()
        letters = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            role = form.cleaned_data.get("role")
            if role is not None and role.matrix_id != self.instance.matrix_id:
                raise ValidationError(f"{role} belongs to another RACI matrix.")
            letters.append(form.cleaned_data.get("letters", ""))
        problems = activity_problems(self.instance.name, letters)
        if problems:
            raise ValidationError(problems)


class RaciAssignmentInline(WorkspaceScopedInline, TabularInline):
    model = RaciAssignment
    form = AssignmentForm
    formset = AssignmentFormSet
    extra = 0
    fields = ("role", "letters")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            activity_id = request.resolver_match.kwargs.get("object_id")
            matrix_id = (
                RaciActivity.objects.filter(pk=activity_id).values_list("matrix", flat=True).first()
            )
            kwargs["queryset"] = RaciRole.objects.filter(matrix=matrix_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RaciActivity)
class RaciActivityAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    list_display = ("name", "matrix", "escalation_level", "ai_involvement", "human_review")
    list_filter = ("matrix", "escalation_level", "ai_involvement", "human_review")
    search_fields = ("name",)
    inlines = [RaciAssignmentInline]
