from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from escalations.core.actors import Actor
from escalations.core.display import labelled_values, model_field_labels
from escalations.core.models import TicketEvent
from escalations.desk.admin.ticket_parts import event_time
from escalations.reports.admin import ReportsMixin
from escalations.tickets.admin.escalation_forms import EscalationCorrectionForm
from escalations.tickets.admin.ticket_views import escalate_form_view
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin
from escalations.tickets.audit import event_description
from escalations.tickets.models import Customer, Escalation
from escalations.tickets.services.escalations import escalation_update


class ReadOnlyAdmin(ModelAdmin):
    """Rows written only by services: visible and searchable, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _ticket_link(ticket_id: int, label: str):
    url = reverse("admin:escalations_ticket_change", args=[ticket_id])
    return format_html('<a href="{}" class="text-primary-600">{}</a>', url, label)


class AwaitingHumanFilter(admin.SimpleListFilter):
    title = "human response"
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return (("human", "Awaiting a first human response"), ("answered", "Answered"))

    def queryset(self, request, queryset):
        if self.value() == "human":
            return queryset.filter(
                first_human_response_at__isnull=True, resolved_at__isnull=True, is_rerouted=False
            )
        if self.value() == "answered":
            return queryset.filter(first_human_response_at__isnull=False)
        return queryset


@admin.register(Escalation)
class EscalationAdmin(ReportsMixin, WorkspaceScopedAdmin, ModelAdmin):
    """Escalations are made by the escalation service: from a ticket ("Escalate…"), from here
    (naming the ticket), or by automation. Only the summary and reasons may be corrected."""

    form = EscalationCorrectionForm

    list_display = (
        "id",
        "ticket_link",
        "kind",
        "trigger",
        "route",
        "to_agent",
        "triggered_at",
        "first_human_response_at",
        "resolved_at",
        "rerouted_badge",
    )
    list_filter = (AwaitingHumanFilter, "kind", "to_tier", "to_team", "is_rerouted", "trigger")
    search_fields = ("ticket__subject", "summary", "trigger", "ticket__customer__name")
    list_select_related = ("ticket", "from_team", "to_team", "to_agent")
    date_hierarchy = "triggered_at"
    fieldsets = (
        (None, {"fields": ("ticket", "kind", "rule_link", "trigger", "summary", "reasons")}),
        (
            "Route",
            {
                "fields": (
                    ("from_team", "from_tier", "from_agent"),
                    ("to_team", "to_tier", "to_agent"),
                )
            },
        ),
        (
            "Handoff package",
            {
                "fields": (
                    "ai_confidence",
                    "ai_sentiment",
                    "ai_attempts_display",
                    "crm_display",
                    "conversation_display",
                )
            },
        ),
        (
            "Timeline",
            {
                "fields": (
                    "created_by",
                    "triggered_at",
                    "first_human_response_at",
                    "resolved_at",
                    "is_rerouted",
                    "rerouted_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        editable = {"summary", "reasons"}
        model_fields = [f.name for f in Escalation._meta.fields if f.name not in editable]
        return [
            *model_fields,
            "rule_link",
            "ai_attempts_display",
            "crm_display",
            "conversation_display",
        ]

    @display(description=_("Rule"))
    def rule_link(self, obj):
        """The rule that made it (by name, also once the rule is deleted)."""
        if not obj.rule_name:
            return "—"
        if obj.rule_id is None:
            return obj.rule_name
        url = reverse("admin:escalations_rule_change", args=[obj.rule_id])
        return format_html('<a href="{}" class="text-primary-600">{}</a>', url, obj.rule_name)

    @display(description="Re-routed", ordering="is_rerouted", label={"yes": "warning"})
    def rerouted_badge(self, obj):
        return ("yes", "re-routed") if obj.is_rerouted else None

    @display(description="AI attempts")
    def ai_attempts_display(self, obj):
        return format_html_join(mark_safe("<br>"), "• {}", ((a,) for a in obj.ai_attempts))

    @display(description="CRM snapshot")
    def crm_display(self, obj):
        snapshot = dict(obj.crm_snapshot)
        crm = snapshot.pop("crm_data", {}) or {}
        rows = [*labelled_values(snapshot, model_field_labels(Customer)), *labelled_values(crm)]
        return format_html_join(mark_safe("<br>"), "<strong>{}</strong>: {}", rows)

    @display(description="Conversation at hand-over")
    def conversation_display(self, obj):
        return format_html_join(
            mark_safe(""),
            '<p class="mb-2"><strong>{}</strong> · {}{} · {}<br>{}</p>',
            (
                (
                    m.get("author"),
                    m.get("author_kind"),
                    " · internal note" if m.get("internal") else "",
                    m.get("at", "")[:16].replace("T", " "),
                    m.get("body"),
                )
                for m in obj.conversation_snapshot
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return escalate_form_view(self, request, ticket=None)

    def save_model(self, request, obj, form, change):
        escalation_update(
            escalation=obj,
            actor=Actor.for_user(request.user),
            summary=form.cleaned_data["summary"],
            reasons=form.cleaned_data["reasons"],
        )

    @display(description="Ticket", ordering="ticket")
    def ticket_link(self, obj):
        return _ticket_link(obj.ticket_id, str(obj.ticket))

    @display(description="Route")
    def route(self, obj):
        return (
            f"{obj.from_team.name if obj.from_team else '—'} ({obj.get_from_tier_display()}) → "
            f"{obj.to_team.name if obj.to_team else '—'} ({obj.get_to_tier_display()})"
        )


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "ticket_link",
        "actor_label",
        "actor_kind",
        "change",
        "reason",
        "event_type",
    )
    list_filter = ("event_type", "actor_kind")
    search_fields = ("actor_label", "reason", "ticket__subject", "from_value", "to_value")
    list_select_related = ("ticket",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @display(description=_("When"), ordering="created_at")
    def at(self, obj):
        return event_time(obj)

    @display(description="Ticket", ordering="ticket")
    def ticket_link(self, obj):
        return _ticket_link(obj.ticket_id, f"#{obj.ticket_id}")

    @display(description="What changed")
    def change(self, obj):
        return event_description(obj)
