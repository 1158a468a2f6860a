"""Service levels in the admin: policies with their targets, ladders with their levels, and the
deadlines the sweeper fires (parked ones can be retried)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from escalations.core.actors import Actor
from escalations.sla.admin.sheets import LadderResource, SlaPolicyResource
from escalations.sla.models import (
    EscalationLadder,
    LadderLevel,
    SlaPolicy,
    SlaTarget,
    Timer,
    TimerState,
)
from escalations.sla.models.policies import default_pause_statuses
from escalations.sla.selectors import policy_reach
from escalations.sla.services.sync import sla_policy_changed
from escalations.sla.services.timers import timer_retry
from escalations.spreadsheets.admin import SpreadsheetAdmin
from escalations.tickets.admin.directory import HistoryAdmin
from escalations.tickets.admin.form_fields import WordListField
from escalations.tickets.admin.workspace_scope import WorkspaceScopedInline
from escalations.tickets.models import ACTIVE_STATUSES, TicketStatus


class SlaTargetInline(TabularInline):
    model = SlaTarget
    extra = 0
    fields = ("priority", "first_response_minutes", "next_response_minutes", "resolution_minutes")


class SlaPolicyForm(forms.ModelForm):
    match_topics = WordListField(required=False, help_text="Request types; empty: any.")
    match_customer_tiers = WordListField(
        required=False, help_text="free, standard, premium, enterprise, vip; empty: any."
    )
    match_segments = WordListField(required=False, help_text="Customer groups; empty: any.")
    match_channels = WordListField(
        required=False, help_text="email, chat, web_form, api, chatbot; empty: any."
    )
    match_stores = WordListField(required=False, help_text="Stores or brands; empty: any.")
    pause_statuses = forms.MultipleChoiceField(
        choices=TicketStatus.choices,
        required=False,
        # A declared field does not take the model's default: a new policy shows the states
        # that really pause unless the manager unticks them.
        initial=default_pause_statuses,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text="The clocks stand still in these states.",
    )

    confirm_takes = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = SlaPolicy
        fields = (
            "workspace",
            "name",
            "position",
            "is_active",
            "is_default",
            "applies_to_all",
            "match_topics",
            "match_customer_tiers",
            "match_segments",
            "match_channels",
            "match_stores",
            "business_hours",
            "calendar",
            "warning_percent",
            "pause_statuses",
            "pause_custom_statuses",
            "ladder",
        )

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return
        # A save that takes working tickets from other policies says how many first, and
        # goes through when it is sent again for the same number.
        reach = policy_reach(self.instance)
        if not reach.from_others or self.cleaned_data.get("confirm_takes") == reach.tickets:
            return
        data = self.data.copy()
        data[self.add_prefix("confirm_takes")] = str(reach.tickets)
        self.data = data
        self.add_error(
            None,
            ngettext(
                "Saved like this, the policy applies to %(count)d working ticket, "
                "%(others)d of them now under other policies: their deadlines change at once. "
                "Save again to confirm.",
                "Saved like this, the policy applies to %(count)d working tickets, "
                "%(others)d of them now under other policies: their deadlines change at once. "
                "Save again to confirm.",
                reach.tickets,
            )
            % {"count": reach.tickets, "others": reach.from_others},
        )


def report_takes_nothing(model_admin, request, policy: SlaPolicy) -> None:
    takes_nothing = not (policy.has_conditions or policy.applies_to_all or policy.is_default)
    if policy.is_active and takes_nothing:
        model_admin.message_user(
            request,
            gettext(
                "%(policy)s has no conditions and does not apply to every ticket: it takes no "
                "ticket by itself, only those a rule or a person applies it to. Tick 'applies "
                "to every ticket' for it to take every ticket no policy before it takes."
            )
            % {"policy": policy.name},
            messages.WARNING,
        )


def report_recomputed(model_admin, request, count: int) -> None:
    if count:
        model_admin.message_user(
            request, f"Deadlines recomputed for {count} working ticket(s).", messages.INFO
        )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SpreadsheetAdmin, HistoryAdmin):
    resource_classes = [SlaPolicyResource]
    form = SlaPolicyForm
    inlines = [SlaTargetInline]
    list_display = (
        "name",
        "workspace",
        "position",
        "is_active",
        "is_default",
        "business_hours",
        "warning_percent",
        "ladder",
    )
    list_filter = ("workspace", "is_active")
    search_fields = ("name",)
    readonly_fields = ("working_tickets",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "workspace",
                    "name",
                    "position",
                    "is_active",
                    "is_default",
                    "confirm_takes",
                )
            },
        ),
        (
            "Which tickets",
            {
                "fields": (
                    "working_tickets",
                    "applies_to_all",
                    "match_topics",
                    "match_customer_tiers",
                    "match_segments",
                    "match_channels",
                    "match_stores",
                )
            },
        ),
        (
            "How time counts",
            {
                "fields": (
                    "business_hours",
                    "calendar",
                    "warning_percent",
                    "pause_statuses",
                    "pause_custom_statuses",
                    "ladder",
                )
            },
        ),
    )

    @display(description=_("Applies now to"))
    def working_tickets(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        count = obj.tickets.filter(status__in=ACTIVE_STATUSES).count()
        return ngettext("%(count)d working ticket", "%(count)d working tickets", count) % {
            "count": count
        }

    def save_related(self, request, form, formsets, change):
        # After the targets are saved too, the tickets the policy affects get new deadlines.
        super().save_related(request, form, formsets, change)
        report_recomputed(self, request, sla_policy_changed(form.instance))
        report_takes_nothing(self, request, form.instance)


class LadderLevelInline(WorkspaceScopedInline, TabularInline):
    model = LadderLevel
    extra = 0
    fields = (
        "position",
        "name",
        "after_minutes",
        "climb_when",
        "to_team",
        "to_agent",
        "to_tier",
        "raise_priority",
        "notify",
    )


@admin.register(EscalationLadder)
class EscalationLadderAdmin(SpreadsheetAdmin, HistoryAdmin):
    resource_classes = [LadderResource]
    inlines = [LadderLevelInline]
    list_display = ("name", "workspace", "repeat", "level_count")
    list_filter = ("workspace",)
    search_fields = ("name",)

    @display(description="Levels")
    def level_count(self, obj):
        return obj.levels.count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        count = sum(sla_policy_changed(policy) for policy in form.instance.policies.all())
        report_recomputed(self, request, count)


@admin.register(Timer)
class TimerAdmin(ModelAdmin):
    """Deadlines: what is due, what fired and when, and what kept failing (parked)."""

    list_display = ("ticket", "kind", "due_at", "state", "attempts", "fired_at", "error")
    list_filter = ("state", "kind")
    search_fields = ("ticket__subject",)
    ordering = ("-due_at",)
    list_select_related = ("ticket",)
    actions = ["retry_parked"]
    readonly_fields = (
        "ticket",
        "kind",
        "key",
        "clock",
        "level",
        "due_at",
        "next_try_at",
        "state",
        "attempts",
        "last_error",
        "fired_at",
        "created_at",
    )

    @display(description="Last error")
    def error(self, obj):
        return obj.last_error[:120]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @action(description="Retry the selected parked deadlines", permissions=["change"])
    def retry_parked(self, request, queryset):
        actor = Actor.for_user(request.user)
        retried = 0
        for timer in queryset.filter(state=TimerState.PARKED):
            timer_retry(timer=timer, actor=actor)
            retried += 1
        self.message_user(request, f"{retried} parked deadline(s) put back in the queue.")
