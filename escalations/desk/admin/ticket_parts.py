"""The pieces of the ticket page and list: inlines and list filters."""

from django.contrib import admin
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from escalations.core import clock
from escalations.core.models import TicketEvent
from escalations.governance.selectors import known_request_types
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin, WorkspaceScopedInline
from escalations.tickets.audit import event_description
from escalations.tickets.models import ACTIVE_STATUSES, Escalation, Message


class TicketPickers(WorkspaceScopedAdmin):
    """The ticket page's pickers offer the ticket's workspace's entries, and its list filters
    name each entry's workspace (statuses change through the status buttons)."""


class NewMessageInline(TabularInline):
    """Write a reply or an internal note; saved through the message service."""

    model = Message
    verbose_name = "new reply or internal note"
    verbose_name_plural = "reply or add an internal note"
    extra = 1
    max_num = 1
    can_delete = False
    fields = ("body", "is_internal")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm("escalations.add_message")

    def has_change_permission(self, request, obj=None):
        return False


class EscalationInline(WorkspaceScopedInline, TabularInline):
    model = Escalation
    tab = True
    show_title = False
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("triggered_at", "kind", "from_tier", "to_team", "to_tier", "to_agent", "summary")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def event_time(event: TicketEvent) -> str:
    """When an event happened, as the admin shows dates, with the moment to the second (and
    the time zone) on hover."""
    moment = localtime(event.created_at)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(timespec="seconds"),
        date_format(moment, "Y-m-d H:i:s T"),
        date_format(moment, "DATETIME_FORMAT"),
    )


class AuditTrailInline(TabularInline):
    model = TicketEvent
    verbose_name_plural = "audit trail"
    tab = True
    show_title = False
    extra = 0
    can_delete = False
    fields = ("at", "actor_label", "change", "reason", "event_type")
    readonly_fields = fields

    @display(description=_("When"))
    def at(self, obj):
        return event_time(obj)

    @display(description="What changed")
    def change(self, obj):
        return event_description(obj)

    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OpenEscalationFilter(admin.SimpleListFilter):
    title = "escalation"
    parameter_name = "escalation"

    def lookups(self, request, model_admin):
        return (("open", "Open escalation"), ("none", "Never escalated"))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_escalation_count__gt=0)
        if self.value() == "none":
            return queryset.filter(escalations__isnull=True)
        return queryset


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (
            ("active", "Active (not snoozed, resolved or closed)"),
            ("snoozed", "Snoozed"),
            ("done", "Resolved or closed"),
        )

    def queryset(self, request, queryset):
        now = clock.now()
        if self.value() == "active":
            return queryset.filter(status__in=ACTIVE_STATUSES).exclude(snoozed_until__gt=now)
        if self.value() == "snoozed":
            return queryset.filter(snoozed_until__gt=now)
        if self.value() == "done":
            return queryset.exclude(status__in=ACTIVE_STATUSES)
        return queryset


class HandledByFilter(admin.SimpleListFilter):
    """AI-handled work apart from people's: a ticket is the AI's while nobody holds it and it
    was never handed to a person."""

    title = "handled by"
    parameter_name = "handled_by"

    def lookups(self, request, model_admin):
        return (("ai", "The AI"), ("people", "People"))

    def queryset(self, request, queryset):
        by_ai = Q(assignee__isnull=True, escalations__isnull=True, ai_intent__gt="")
        if self.value() == "ai":
            return queryset.filter(by_ai)
        if self.value() == "people":
            return queryset.exclude(by_ai)
        return queryset


class RequestTypeFilter(admin.SimpleListFilter):
    """The ticket's request type (topic), among those the configuration names."""

    title = "request type"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(topic, topic.replace("_", " ").capitalize()) for topic in known_request_types()]

    def queryset(self, request, queryset):
        return queryset.filter(topic=self.value()) if self.value() else queryset
