"""Incident action plans in the admin: the plan, its approval steps as buttons, and its
operational periods with the hand-over between responders."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.incidents.models import (
    ActionPlanBlueprint,
    IncidentActionPlan,
    OperationalPeriod,
    PlanResponsibility,
)
from escalations.incidents.models.plans import EDITABLE
from escalations.incidents.selectors import plan_moves
from escalations.incidents.services.plans import (
    LABELS,
    PLAN_FIELDS,
    period_hand_over,
    period_start,
    plan_create,
    plan_transition,
    plan_update,
)
from escalations.tickets.admin.base import DirectoryAdmin
from escalations.tickets.admin.form_fields import PhraseListField
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin
from escalations.tickets.models import Agent


class PlanForm(forms.ModelForm):
    priorities = PhraseListField(required=False, help_text="One per line, most urgent first.")
    next_actions = PhraseListField(required=False, help_text="One per line.")

    class Meta:
        model = IncidentActionPlan
        fields = ("ticket", *PLAN_FIELDS, "period_hours")

    def clean(self):
        cleaned = super().clean()
        plan = self.instance
        if plan.pk and plan.status not in EDITABLE and self.has_changed():
            raise ValidationError(
                f"The plan is {plan.get_status_display()}: it changes only as a draft or when "
                "changes are requested (revise an approved plan first)."
            )
        return cleaned


class ResponsibilityInline(TabularInline):
    model = PlanResponsibility
    extra = 0
    fields = ("role", "person", "duty")


class PeriodInline(TabularInline):
    model = OperationalPeriod
    extra = 0
    fields = ("number", "responder", "starts_at", "ends_at", "handed_over_at", "handover_note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IncidentActionPlan)
class IncidentActionPlanAdmin(WorkspaceScopedAdmin, SimpleHistoryAdmin, ModelAdmin):
    form = PlanForm
    list_display = ("title", "ticket", "status", "approved_by", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "situation_summary", "ticket__subject")
    autocomplete_fields = ("ticket",)
    inlines = [ResponsibilityInline, PeriodInline]
    change_form_template = "escalations/admin/action_plan.html"

    def get_readonly_fields(self, request, obj=None):
        return ("ticket", "status", "review_note", "approved_by", "approved_at") if obj else ()

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user)
        if not change:
            # Parts left empty (and an unchanged period) start from the workspace's blueprint.
            names = [
                *PLAN_FIELDS,
                *(["period_hours"] if "period_hours" in form.changed_data else []),
            ]
            fields = {name: form.cleaned_data[name] for name in names}
            created = plan_create(ticket=form.cleaned_data["ticket"], actor=actor, **fields)
            obj.pk = created.pk
            return
        changes = {n: form.cleaned_data[n] for n in form.changed_data if n in form.cleaned_data}
        if changes:
            try:
                plan_update(plan=obj, changes=changes, actor=actor)
            except (IllegalTransition, ValidationError) as exc:
                raise PermissionDenied(str(exc)) from exc

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, object_id)
        extra = {}
        if plan is not None:
            extra = {
                "moves": [(m, LABELS[m]) for m in plan_moves(plan, request.user)],
                "running": plan.periods.filter(handed_over_at=None).first(),
                "agents": Agent.objects.order_by("display_name"),
                "can_change": self.has_change_permission(request, plan),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/move/", wrap(self.move_view), name="escalations_plan_move"),
            path("<int:pk>/period/", wrap(self.period_view), name="escalations_plan_period"),
            *super().get_urls(),
        ]

    def move_view(self, request, pk: int):
        """One approval step (POST): submit, approve, request changes, resubmit, revise."""
        plan = get_object_or_404(IncidentActionPlan, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, plan):
            raise PermissionDenied
        move = request.POST.get("move", "")
        try:
            plan_transition(
                plan=plan,
                move=move,
                actor=Actor.for_user(request.user),
                note=request.POST.get("note", ""),
            )
        except (IllegalTransition, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            plan.refresh_from_db()
            messages.success(request, f"The plan is now {plan.get_status_display()}.")
        return redirect("admin:escalations_incidentactionplan_change", pk)

    def period_view(self, request, pk: int):
        """Start the first operational period, or hand the running one over (POST)."""
        plan = get_object_or_404(IncidentActionPlan, pk=pk)
        if request.method != "POST" or not request.user.has_perm(
            "escalations.change_operationalperiod"
        ):
            raise PermissionDenied
        actor = Actor.for_user(request.user)
        agent = Agent.objects.filter(pk=request.POST.get("agent") or 0).first()
        running = plan.periods.filter(handed_over_at=None).first()
        try:
            if agent is None:
                raise ValidationError("Choose the responder.")
            if running is None:
                period_start(plan=plan, responder=agent, actor=actor)
            else:
                period_hand_over(
                    period=running, to=agent, note=request.POST.get("note", ""), actor=actor
                )
        except (IllegalTransition, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"{agent} is the responder now.")
        return redirect("admin:escalations_incidentactionplan_change", pk)


@admin.register(ActionPlanBlueprint)
class ActionPlanBlueprintAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    """A workspace's way of writing action plans; new plans start from it."""

    list_display = ("title", "workspace", "period_hours")
    list_filter = ("workspace",)
    search_fields = ("title", "summary")
