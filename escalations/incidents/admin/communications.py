"""Communication plans in the admin: the plans (contacts, steps, cadence), starting one for an
incident, and sending and reading the status updates."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextareaWidget

from escalations.core.actors import Actor
from escalations.incidents.admin.contact_sheet import ContactResource
from escalations.incidents.models import (
    CommunicationPlan,
    ContactChannel,
    IncidentCommunication,
    PlanContact,
    PlanStep,
    StatusUpdate,
)
from escalations.incidents.selectors import communication_owners
from escalations.incidents.services.communications import (
    communication_check,
    communication_start,
    status_update_send,
)
from escalations.spreadsheets.admin import SpreadsheetAdmin
from escalations.tickets.admin.base import DirectoryAdmin, add_service_errors
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin, WorkspaceScopedInline


class PlanContactInline(WorkspaceScopedInline, TabularInline):
    model = PlanContact
    extra = 0
    fields = ("position", "name", "role", "team", "channel", "address")


class PlanStepInline(TabularInline):
    model = PlanStep
    extra = 0
    fields = ("position", "action", "owner", "within_minutes")


class CommunicationPlanForm(forms.ModelForm):
    update_channels = forms.MultipleChoiceField(
        choices=ContactChannel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CommunicationPlan
        fields = ("workspace", "title", "critical_incident", "update_every_minutes")


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(SpreadsheetAdmin, DirectoryAdmin, SimpleHistoryAdmin):
    resource_classes = [ContactResource]
    form = CommunicationPlanForm
    list_display = ("title", "workspace", "update_every_minutes")
    list_filter = ("workspace",)
    search_fields = ("title", "critical_incident")
    inlines = [PlanContactInline, PlanStepInline]
    fields = ("workspace", "title", "critical_incident", "update_every_minutes", "update_channels")


class StatusUpdateInline(TabularInline):
    model = StatusUpdate
    extra = 0
    fields = ("sent_at", "sent_by", "channels_display", "text")
    readonly_fields = fields
    can_delete = False

    @display(description=_("Channels"))
    def channels_display(self, obj):
        return obj.get_channels_display()

    def has_add_permission(self, request, obj=None):
        return False


class StartForm(forms.ModelForm):
    class Meta:
        model = IncidentCommunication
        fields = ("plan", "ticket", "owner")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = communication_owners()

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) for name in ("plan", "ticket", "owner")):
            try:
                communication_check(
                    plan=cleaned["plan"], ticket=cleaned["ticket"], owner=cleaned["owner"]
                )
            except ValidationError as exc:
                add_service_errors(self, exc)
        return cleaned


class UpdateForm(forms.Form):
    text = forms.CharField(widget=UnfoldAdminTextareaWidget(), label="What changed")
    channels = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, plan: CommunicationPlan, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = plan.channels_allowed()
        self.fields["channels"].choices = [c for c in ContactChannel.choices if c[0] in allowed]


@admin.register(IncidentCommunication)
class IncidentCommunicationAdmin(WorkspaceScopedAdmin, ModelAdmin):
    list_display = ("plan", "ticket", "owner", "started_at", "next_update_due_at", "ended_at")
    list_filter = ("plan", ("ended_at", admin.EmptyFieldListFilter))
    list_select_related = ("plan", "ticket", "owner")
    autocomplete_fields = ("ticket",)
    inlines = [StatusUpdateInline]
    change_form_template = "escalations/admin/communication.html"

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StartForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("plan", "ticket", "owner", "started_at", "next_update_due_at", "ended_at")

    def has_change_permission(self, request, obj=None):
        return False  # updates are sent with "Send a status update"

    def save_model(self, request, obj, form, change):
        started = communication_start(
            plan=obj.plan, ticket=obj.ticket, owner=obj.owner, actor=Actor.for_user(request.user)
        )
        obj.pk = started.pk

    def get_urls(self):
        send = self.admin_site.admin_view(self.send_view)
        return [
            path("<int:pk>/send/", send, name="escalations_incidentcommunication_send"),
            *super().get_urls(),
        ]

    def send_view(self, request, pk: int):
        """Send a status update: logged with who, when and where; the next reminder counts
        from now."""
        if not request.user.has_perm("escalations.add_statusupdate"):
            raise PermissionDenied
        communication = get_object_or_404(IncidentCommunication, pk=pk)
        form = UpdateForm(request.POST or None, plan=communication.plan)
        if request.method == "POST" and form.is_valid():
            try:
                status_update_send(
                    communication=communication,
                    text=form.cleaned_data["text"],
                    channels=form.cleaned_data["channels"],
                    actor=Actor.for_user(request.user),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The status update is sent and logged.")
                return redirect("admin:escalations_incidentcommunication_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Status update: {communication}",
            "opts": self.model._meta,
            "original": communication,
            "form": form,
            "cancel_url": reverse("admin:escalations_incidentcommunication_change", args=[pk]),
            "intro": "The update is logged with who sent it, when and where; the next reminder "
            "counts from now.",
            "submit_label": "Send",
        }
        return TemplateResponse(request, "escalations/admin/service_form.html", context)
