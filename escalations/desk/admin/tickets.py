from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.decorators import display

from escalations.core.actors import Actor
from escalations.core.display import EMPTY, custom_field_rows
from escalations.desk.admin.ticket_parts import (
    AuditTrailInline,
    EscalationInline,
    HandledByFilter,
    NewMessageInline,
    OpenEscalationFilter,
    QueueFilter,
    RequestTypeFilter,
    TicketPickers,
)
from escalations.rules.admin.dry_run import dry_run_view
from escalations.sla.admin.ticket_sla import SlaFilter, clocks_panel, time_left_text
from escalations.sla.services.sync import sla_apply_policy
from escalations.tickets.admin.ticket_forms import (
    CUSTOM_FIELD_PREFIX,
    TicketForm,
    custom_field_name,
)
from escalations.tickets.admin.ticket_views import (
    escalate_form_view,
    may_escalate,
    transition_form_view,
)
from escalations.tickets.models import ACTIVE_STATUSES, AuthorKind, Message, Ticket, TicketStatus
from escalations.tickets.selectors import screens as selectors
from escalations.tickets.selectors.workflows import ticket_offers, ticket_status, workflow_of
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.snooze import snooze_end, ticket_snooze
from escalations.tickets.services.tickets import (
    CREATE_FIELDS,
    EDITABLE_FIELDS,
    ticket_create,
    ticket_update,
)

STATUS_COLOURS = {
    "new": "info",
    "open": "primary",
    "pending": "warning",
    "on_hold": "warning",
    "escalated": "danger",
    "resolved": "success",
    "closed": "",
}
PRIORITY_COLOURS = {10: "", 20: "info", 30: "warning", 40: "danger"}
SUBJECT_CHARS = 60


@admin.register(Ticket)
class TicketAdmin(TicketPickers, ModelAdmin):
    form = TicketForm
    list_display = (
        "reference_display",
        "subject_display",
        "status_badge",
        "priority_badge",
        "tier",
        "team_display",
        "assignee",
        "customer_display",
        "ai_confidence",
        "sla_time_left",
        "updated_display",
    )
    list_display_links = ("reference_display", "subject_display")
    list_filter = (
        QueueFilter,
        SlaFilter,
        "status",
        "priority",
        "tier",
        "channel",
        OpenEscalationFilter,
        HandledByFilter,
        RequestTypeFilter,
        "custom_status",
        "workspace",
        "team",
        "assignee",
        "customer__tier",
    )
    search_fields = (
        "subject",
        "customer__name",
        "customer__email",
        "customer__company",
        "store",
        "topic",
        "ai_intent",
    )
    list_per_page = 50
    show_full_result_count = False  # one COUNT, not two, on every filtered page
    date_hierarchy = "created_at"
    autocomplete_fields = ("customer", "assignee")
    change_form_outer_before_template = "escalations/admin/ticket_lifecycle.html"
    fieldsets = (
        (
            "Ticket",
            {
                "classes": ["tab"],
                "fields": ("workspace", "subject", "customer", "channel", "store", "topic"),
            },
        ),
        (
            "Routing",
            {"classes": ["tab"], "fields": ("team", "assignee", "tier", "priority", "tags")},
        ),
        (
            "Lifecycle",
            {"classes": ["tab"], "fields": ("workflow_status", "status", "snoozed_until")},
        ),
        (
            "AI",
            {"classes": ["tab"], "fields": ("ai_confidence", "ai_intent", "ai_sentiment")},
        ),
        ("SLA", {"classes": ["tab"], "fields": ("sla_policy", "sla_clocks")}),
        ("Custom fields", {"classes": ["tab"], "fields": ("custom_fields",)}),
        (
            "Timestamps",
            {
                "classes": ["tab"],
                "fields": (
                    "created_at",
                    "updated_at",
                    "status_changed_at",
                    "first_response_at",
                    "resolved_at",
                    "closed_at",
                ),
            },
        ),
    )
    # A new ticket: the same sections, without the lifecycle and the timestamps.
    add_fieldsets = tuple(
        (name, {"fields": options["fields"]})
        for name, options in fieldsets
        if all(field in CREATE_FIELDS for field in options["fields"])
    )
    readonly_fields = (
        "workflow_status",
        "status",
        "sla_clocks",
        "created_at",
        "updated_at",
        "status_changed_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
    )

    def get_queryset(self, request):
        return selectors.ticket_list_queryset()

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A ticket stays in its workspace: its statuses, teams and fields are that workspace's.
        return (*fields, "workspace") if obj is not None else fields

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        reference = search_term.strip().lstrip("#")
        if reference.isdigit():
            queryset |= self.get_queryset(request).filter(pk=int(reference))
        return queryset, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        keys = obj.workspace.field_definitions.values_list("key", flat=True)
        custom = tuple(custom_field_name(key) for key in keys)
        if custom and not self.has_change_permission(request, obj):
            custom = ("custom_fields_display",)  # read, not edited: each by its label
        return tuple(
            (name, {**options, "fields": custom}) if name == "Custom fields" else (name, options)
            for name, options in self.fieldsets
            if name != "Custom fields" or custom
        )

    def get_form(self, request, obj=None, **kwargs):
        # Custom-field form fields are added by the form itself, per workspace.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if not f.startswith(CUSTOM_FIELD_PREFIX)]
        return super().get_form(request, obj, **kwargs)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [NewMessageInline, EscalationInline, AuditTrailInline]

    def has_delete_permission(self, request, obj=None):
        return False  # tickets are closed, never deleted: the audit trail must hold

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == TicketStatus.CLOSED:
            return False  # closed is final: the page becomes read-only
        return super().has_change_permission(request, obj)

    # List columns

    @display(description="Ticket", ordering="pk")
    def reference_display(self, obj):
        return obj.reference

    @display(description="Subject", ordering="subject")
    def subject_display(self, obj):
        return Truncator(obj.subject).chars(SUBJECT_CHARS)

    @display(description="Team", ordering="team__name")
    def team_display(self, obj):
        return obj.team.name if obj.team_id else None

    @display(
        description="SLA",
        ordering="sla_due_at",
        label={"danger": "danger", "warning": "warning", "info": "info"},
    )
    def sla_time_left(self, obj):
        if obj.status not in ACTIVE_STATUSES:
            return "", "—"
        text, colour = time_left_text(obj.sla_due_at)
        return colour, text

    @display(description="Clocks")
    def sla_clocks(self, obj):
        return clocks_panel(obj) if obj is not None and obj.pk else "—"

    @display(description=_("Custom fields"))
    def custom_fields_display(self, obj):
        rows = custom_field_rows(obj)
        return format_html_join(mark_safe("<br>"), "<strong>{}</strong>: {}", rows) or EMPTY

    @display(description="Updated", ordering="updated_at")
    def updated_display(self, obj):
        return date_format(localtime(obj.updated_at), "M j, H:i")

    @display(description=_("Status"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj):
        return obj.status, ticket_status(obj).name

    @display(description=_("Workflow status"))
    def workflow_status(self, obj):
        if obj is None or not obj.pk:
            return "—"
        status = ticket_status(obj)
        return f"{status.name} ({status.state_label})"

    @display(description="Priority", ordering="priority", label=PRIORITY_COLOURS)
    def priority_badge(self, obj):
        return obj.priority, obj.get_priority_display()

    @display(description="Customer", ordering="customer__name")
    def customer_display(self, obj):
        return f"{obj.customer.name} ({obj.customer.get_tier_display()})"

    # Writes go through the services

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        if not change:
            created = ticket_create(
                actor=actor, **{field: getattr(obj, field) for field in CREATE_FIELDS}
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        changed = form.changed_ticket_fields
        changes = {f: getattr(obj, f) for f in changed if f in EDITABLE_FIELDS}
        current = Ticket.objects.get(pk=obj.pk)
        if changes:
            current = ticket_update(ticket=current, actor=actor, changes=changes)
        if "sla_policy" in changed:
            sla_apply_policy(ticket=current, policy=obj.sla_policy, actor=actor)
        if "snoozed_until" in changed:
            if obj.snoozed_until is None:
                snooze_end(ticket=current, actor=actor, reason="Woken by hand.")
            else:
                ticket_snooze(ticket=current, until=obj.snoozed_until, actor=actor)
            current.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Message:
            return super().save_formset(request, form, formset, change)
        actor = Actor.for_user(request.user)
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for message_form in formset.forms:
            data = message_form.cleaned_data
            if not data or not data.get("body"):
                continue
            message = message_add(
                ticket=form.instance,
                author_kind=AuthorKind.AGENT,
                body=data["body"],
                is_internal=data.get("is_internal", False),
                actor=actor,
            )
            formset.new_objects.append(message)

    # The lifecycle panel and its views

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ticket = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if ticket is not None:
            extra_context.update(self._lifecycle_context(request, ticket))
        return super().change_view(request, object_id, form_url, extra_context)

    def _lifecycle_context(self, request, ticket):
        may_move = self.has_change_permission(request, ticket) and request.user.has_perm(
            "escalations.transition_ticket"
        )
        offers = ticket_offers(ticket) if may_move else []
        escalating = may_move and may_escalate(request)
        return {
            "workflow_status": ticket_status(ticket),
            "workflow_builtin": workflow_of(ticket.workspace_id).is_builtin,
            "status_offers": [o for o in offers if not o.needs_escalation],
            "escalation_offers": [o for o in offers if o.needs_escalation] if escalating else [],
            # Handing an escalated ticket on to another team keeps its status.
            "lifecycle_can_escalate": escalating and ticket.status == TicketStatus.ESCALATED,
            "blocked_moves": selectors.ticket_blocked_moves(ticket),
            "latest_escalation": selectors.ticket_latest_escalation(ticket),
            "conversation": selectors.ticket_conversation(ticket),
            "may_dry_run": request.user.has_perm("escalations.view_rule"),
        }

    def get_urls(self):
        return [
            path(
                "<int:object_id>/transition/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name="escalations_ticket_transition",
            ),
            path(
                "<int:object_id>/dry-run/",
                self.admin_site.admin_view(self.dry_run_view),
                name="escalations_ticket_dry_run",
            ),
            path(
                "<int:object_id>/escalate/",
                self.admin_site.admin_view(self.escalate_view),
                name="escalations_ticket_escalate",
            ),
            *super().get_urls(),
        ]

    def _ticket_for_action(self, request, object_id) -> Ticket:
        ticket = get_object_or_404(Ticket, pk=object_id)
        if not (
            self.has_change_permission(request, ticket)
            and request.user.has_perm("escalations.transition_ticket")
        ):
            raise PermissionDenied
        return ticket

    def transition_view(self, request, object_id):
        ticket = self._ticket_for_action(request, object_id)
        return transition_form_view(self, request, ticket=ticket)

    def dry_run_view(self, request, object_id):
        ticket = get_object_or_404(Ticket, pk=object_id)
        if not self.has_view_permission(request, ticket):
            raise PermissionDenied
        return dry_run_view(self, request, ticket=ticket)

    def escalate_view(self, request, object_id):
        ticket = self._ticket_for_action(request, object_id)
        return escalate_form_view(self, request, ticket=ticket)
