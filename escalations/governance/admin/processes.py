"""Work processes in the admin: the steps and their owner teams, and the sign-offs tickets
wait for, with a page where an owner approves or refuses one."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Value
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.governance.models import ProcessStep, SignOffState, StepSignOff, WorkProcess
from escalations.governance.selectors import may_sign
from escalations.governance.services.processes import ERR_NOT_AN_OWNER, sign_off_decide
from escalations.tickets.admin.base import DirectoryAdmin, add_service_errors
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin, WorkspaceScopedInline
from escalations.tickets.models import TeamMembership, TicketStatus


class StepInline(WorkspaceScopedInline, TabularInline):
    model = ProcessStep
    extra = 0
    fields = ("position", "name", "owner_team", "sign_off", "request_types", "confirms")


@admin.register(WorkProcess)
class WorkProcessAdmin(DirectoryAdmin, SimpleHistoryAdmin):
    list_display = ("title", "workspace", "kind", "open_status")
    list_filter = ("workspace", "kind")
    search_fields = ("title", "summary")
    inlines = [StepInline]
    filter_horizontal = ("gated_statuses", "reopen_statuses")


class WaitingForMeFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        return [("mine", "Waiting for my teams")]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(
                state=SignOffState.PENDING,
                step__owner_team__memberships__agent__user=request.user,
            ).exclude(ticket__status__in=(TicketStatus.RESOLVED, TicketStatus.CLOSED))
        return queryset


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve (confirm)"), ("refuse", "Refuse")],
        widget=UnfoldAdminSelectWidget,
    )
    note = forms.CharField(
        required=False,
        widget=UnfoldAdminTextareaWidget,
        help_text="Required when refusing: say what must change.",
    )


@admin.register(StepSignOff)
class StepSignOffAdmin(WorkspaceScopedAdmin, ModelAdmin):
    list_display = ("ticket", "step_name", "owner", "state", "asked_at", "decided_by", "sign")
    list_filter = (WaitingForMeFilter, "state", "step__process")
    list_select_related = ("ticket", "step__owner_team", "decided_by")
    search_fields = ("ticket__subject", "step__name")
    readonly_fields = ("ticket", "step", "state", "asked_at", "decided_by", "decided_at", "note")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description="Step")
    def step_name(self, obj):
        return obj.step.name

    @display(description="Owner")
    def owner(self, obj):
        return obj.step.owner_team.name

    def get_queryset(self, request):
        mine = TeamMembership.objects.filter(
            team=OuterRef("step__owner_team"), agent__user=request.user
        )
        signable = Exists(mine) | Value(request.user.is_superuser)
        if not self.has_change_permission(request):
            signable = Value(False)  # a read-only login in the team reads, and offers nothing
        return super().get_queryset(request).annotate(signable=signable)

    @display(description="")
    def sign(self, obj):
        if obj.state != SignOffState.PENDING or not obj.signable:
            return ""
        url = reverse("admin:escalations_signoff_decide", args=[obj.pk])
        return format_html('<a href="{}" class="text-primary-600">Sign off…</a>', url)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", wrap(self.decide_view), name="escalations_signoff_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        sign_off = get_object_or_404(
            StepSignOff.objects.select_related("ticket", "step__owner_team"), pk=pk
        )
        if not self.has_change_permission(request, sign_off):
            raise PermissionDenied(_("Your role may read sign-offs but not decide them."))
        if not may_sign(request.user, sign_off):
            raise PermissionDenied(
                ERR_NOT_AN_OWNER.format(team=sign_off.step.owner_team.name, step=sign_off.step.name)
            )
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                sign_off_decide(
                    sign_off=sign_off,
                    approve=form.cleaned_data["decision"] == "approve",
                    actor=Actor.for_user(request.user),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except IllegalTransition as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{sign_off.step.name}: decision recorded.")
                return redirect("admin:escalations_stepsignoff_changelist")
        step, ticket = sign_off.step, sign_off.ticket
        context = {
            **self.admin_site.each_context(request),
            "title": f"{step.name} for {ticket.reference}",
            "form": form,
            "intro": f"{ticket.reference}: {ticket.subject}. {step.owner_team.name} signs this "
            "step off." + (f" Check: {step.confirms}" if step.confirms else ""),
            "submit_label": "Record the decision",
            "cancel_url": reverse("admin:escalations_stepsignoff_changelist"),
        }
        return TemplateResponse(request, "escalations/admin/service_form.html", context)
