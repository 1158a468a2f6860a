"""Workspaces in the admin: their statuses and custom fields, where the system's own moves
land, and the workflow diagram."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from escalations.governance.selectors import gated_status_slugs
from escalations.incidents.admin.procedure import ProcedurePage
from escalations.tickets.admin.directory import HistoryAdmin
from escalations.tickets.admin.directory_forms import CustomFieldDefinitionForm
from escalations.tickets.admin.form_fields import PhraseListField
from escalations.tickets.admin.workflow_diagram import workflow_svg
from escalations.tickets.admin.workflow_forms import CustomStatusFormSet
from escalations.tickets.admin.workspace_scope import WorkspaceScopedInline
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    CustomFieldDefinition,
    CustomStatus,
    TicketStatus,
    Workspace,
)
from escalations.tickets.selectors.workflows import workflow_of
from escalations.tickets.workflow import LANDING_FIELDS, SYSTEM_MOVE_STATE


class CustomStatusInline(WorkspaceScopedInline, TabularInline):
    model = CustomStatus
    formset = CustomStatusFormSet
    extra = 0
    fields = (
        "name",
        "slug",
        "lifecycle_state",
        "is_default",
        "position",
        "next_statuses",
        "from_any_status",
    )
    prepopulated_fields = {"slug": ("name",)}


class CustomFieldInline(TabularInline):
    model = CustomFieldDefinition
    form = CustomFieldDefinitionForm
    extra = 0
    fields = ("key", "label", "field_type", "is_required", "choices", "pattern", "position")


class WorkspaceForm(forms.ModelForm):
    human_request_phrases = PhraseListField(
        required=False,
        help_text="One per line. A customer message with one of these escalates the ticket to "
        "a person at once (any language; case and accents do not matter).",
    )

    class Meta:
        model = Workspace
        fields = (
            "name",
            "slug",
            "description",
            "time_zone",
            "is_active",
            "human_request_phrases",
            "escalation_summary_required",
            *LANDING_FIELDS.values(),
        )

    def clean(self):
        cleaned = super().clean()
        # Each landing is a status of the state its move reaches.
        for move, name in LANDING_FIELDS.items():
            landing = cleaned.get(name)
            state = SYSTEM_MOVE_STATE[move]
            if landing is not None and landing.lifecycle_state != state:
                self.add_error(
                    name,
                    _("{status} is a status of {its}; this move lands in {state}.").format(
                        status=landing.name,
                        its=landing.get_lifecycle_state_display(),
                        state=TicketStatus(state).label,
                    ),
                )
        return cleaned


@admin.register(Workspace)
class WorkspaceAdmin(ProcedurePage, HistoryAdmin):
    form = WorkspaceForm
    list_display = ("name", "slug", "template_slug", "team_count", "open_ticket_count", "is_active")
    list_filter = ("is_active", "template_slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("template_slug", "template_version", "procedure_link", "workflow_diagram")
    inlines = [CustomStatusInline, CustomFieldInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "time_zone", "is_active")}),
        (
            _("Workflow"),
            {
                "fields": ("workflow_diagram", *LANDING_FIELDS.values()),
                "description": _(
                    "The statuses below and their moves are the state machine this workspace's "
                    "tickets follow on every path. Here: where the system's own moves land."
                ),
            },
        ),
        ("Escalation procedure", {"fields": ("procedure_link",)}),
        ("Escalate form", {"fields": ("escalation_summary_required",)}),
        ("Customers asking for a person", {"fields": ("human_request_phrases",)}),
        (
            "Origin",
            {
                "fields": ("template_slug", "template_version"),
                "description": "Set when the workspace is made from a catalog template.",
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                team_total=Count("teams", distinct=True),
                open_tickets=Count(
                    "tickets", filter=Q(tickets__status__in=ACTIVE_STATUSES), distinct=True
                ),
            )
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        added = [name for formset in formsets for name in getattr(formset, "added", [])]
        if added:
            self.message_user(
                request,
                _("Now choose the moves into and out of {names}.").format(names=", ".join(added)),
                messages.WARNING,
            )

    @display(description=_("Workflow diagram"))
    def workflow_diagram(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        svg = workflow_svg(workflow_of(obj.pk), gated=gated_status_slugs(obj.pk))
        # Wider than the form: it scrolls sideways instead of being cut off.
        return format_html('<div style="overflow-x:auto;max-width:100%">{}</div>', svg)

    @display(description="Teams", ordering="team_total")
    def team_count(self, obj):
        return obj.team_total

    @display(description="Open tickets", ordering="open_tickets")
    def open_ticket_count(self, obj):
        return obj.open_tickets
