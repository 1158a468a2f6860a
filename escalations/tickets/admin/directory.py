"""The directory in the admin: teams with their members, agents with their logins, and
customers; every version of each is kept."""

from django.contrib import admin
from django.db.models import Count, Q
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import TabularInline
from unfold.decorators import display

from escalations.tickets.admin.base import DirectoryAdmin
from escalations.tickets.admin.directory_forms import AgentCreationForm, AgentForm, CustomerForm
from escalations.tickets.admin.workspace_scope import WorkspaceScopedInline
from escalations.tickets.models import ACTIVE_STATUSES, Agent, Customer, Team, TeamMembership
from escalations.tickets.services.directory import agent_create


class HistoryAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    """Directory page whose every version is kept, with who changed it and a revert."""


class MembershipInline(TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("agent",)
    fields = ("agent", "role")


class AgentMembershipInline(WorkspaceScopedInline, TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("team",)
    fields = ("team", "role")
    verbose_name = "team membership"


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = (
        "name",
        "workspace",
        "tier",
        "escalation_target",
        "assignment_strategy",
        "member_count",
        "open_tickets",
    )
    list_filter = ("workspace", "tier", "is_escalation_target", "assignment_strategy")
    search_fields = ("name", "slug", "description")
    list_select_related = ("workspace",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "workspace",
                    "name",
                    "slug",
                    "tier",
                    "is_escalation_target",
                    "notification_email",
                    "description",
                )
            },
        ),
        (
            "Assignment",
            {
                "description": "Who gets a ticket routed to this team, and what happens when "
                "nobody can take it.",
                "fields": (
                    "assignment_strategy",
                    "only_available",
                    "max_open_per_agent",
                    "fallback",
                    "fallback_team",
                ),
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                members=Count("memberships", distinct=True),
                active=Count(
                    "tickets", filter=Q(tickets__status__in=ACTIVE_STATUSES), distinct=True
                ),
            )
        )

    @display(description="Escalation target", boolean=True, ordering="is_escalation_target")
    def escalation_target(self, obj):
        return obj.is_escalation_target

    @display(description="Members", ordering="members")
    def member_count(self, obj):
        return obj.members

    @display(description="Open tickets", ordering="active")
    def open_tickets(self, obj):
        return obj.active


@admin.register(Agent)
class AgentAdmin(HistoryAdmin):
    form = AgentForm
    list_display = ("display_name", "username", "team_names", "skill_list", "load", "available")
    list_filter = ("is_available", "teams")
    search_fields = ("display_name", "user__username", "user__email", "skills")
    autocomplete_fields = ("user",)
    inlines = [AgentMembershipInline]
    fields = ("user", "display_name", "skills", "capacity", "is_available")
    add_fields = (
        "username",
        "email",
        "password",
        "display_name",
        "teams",
        "skills",
        "capacity",
        "is_available",
    )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AgentCreationForm
            kwargs["fields"] = self.add_fields
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else self.add_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        created = agent_create(
            username=data["username"],
            email=data["email"],
            password=data["password"] or None,
            display_name=data["display_name"],
            skills=data["skills"],
            capacity=data["capacity"],
            is_available=data["is_available"],
            teams=list(data["teams"]),
        )
        obj.pk, obj.user = created.pk, created.user
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related("teams")
            .annotate(
                open_tickets=Count(
                    "assigned_tickets",
                    filter=Q(assigned_tickets__status__in=ACTIVE_STATUSES),
                    distinct=True,
                )
            )
        )

    @display(description="Login", ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()

    @display(description="Teams")
    def team_names(self, obj):
        return ", ".join(team.name for team in obj.teams.all()) or "—"

    @display(description="Skills")
    def skill_list(self, obj):
        return ", ".join(obj.skills) or "—"

    @display(description="Open / capacity", ordering="open_tickets")
    def load(self, obj):
        return f"{obj.open_tickets} / {obj.capacity}"

    @display(description="Available", boolean=True, ordering="is_available")
    def available(self, obj):
        return obj.is_available


@admin.register(Customer)
class CustomerAdmin(HistoryAdmin):
    form = CustomerForm
    list_display = ("name", "company", "email", "tier_badge", "segment", "crm_id", "ticket_count")
    list_filter = ("tier", "segment", "language")
    search_fields = ("name", "email", "company", "crm_id", "phone")
    fieldsets = (
        (None, {"fields": ("name", "email", "phone", "company", "language")}),
        ("Segment", {"fields": ("tier", "segment")}),
        ("CRM", {"fields": ("crm_id", "crm_data")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(tickets_total=Count("tickets"))

    @display(
        description="Tier",
        ordering="tier",
        label={
            "vip": "danger",
            "enterprise": "warning",
            "premium": "info",
            "standard": "",
            "free": "",
        },
    )
    def tier_badge(self, obj):
        return obj.tier, obj.get_tier_display()

    @display(description="Tickets", ordering="tickets_total")
    def ticket_count(self, obj):
        return obj.tickets_total
