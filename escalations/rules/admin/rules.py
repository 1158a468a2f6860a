from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminSplitDateTimeWidget,
)

from escalations.core.actors import Actor
from escalations.core.models import SignedCaller
from escalations.rules.actions import ACTION_TYPES
from escalations.rules.admin.condition_builder import ActionListWidget, ConditionBuilderWidget
from escalations.rules.admin.sheets import RuleResource
from escalations.rules.conditions import OPERATORS
from escalations.rules.engine import TRIGGERS
from escalations.rules.fields import FIELDS
from escalations.rules.models import (
    SUBSCRIBABLE_EVENTS,
    Integration,
    Rule,
    RuleDrill,
    RuleFiring,
    RuleSet,
    WebhookSubscription,
)
from escalations.rules.services.drills import drill_start
from escalations.rules.services.rule_config import (
    rule_delete,
    rule_save,
    rule_set_copy,
    rule_set_publish,
    rule_set_save,
    rule_validate,
)
from escalations.spreadsheets.admin import SpreadsheetAdmin
from escalations.tickets.admin.workspace_scope import WorkspaceScopedAdmin
from escalations.tickets.models import Notification
from escalations.tickets.services.directory import directory_save

CONDITION_HELP = (
    'Rows {"field": …, "op": …, "value": …} in groups {"all": [...]}, {"any": [...]}, '
    '{"not": {...}}. Fields: '
    + ", ".join(FIELDS)
    + ", custom.<key>, customer.crm.<key>. Operators: "
    + ", ".join(OPERATORS)
    + "."
)
ACTIONS_HELP = (
    'A list of {"type": …, "value": …, "detail": …}. Types: '
    + "; ".join(f"{name} ({spec.value_help})" for name, spec in ACTION_TYPES.items())
    + "."
)


class RuleForm(forms.ModelForm):
    triggers = forms.MultipleChoiceField(
        choices=list(TRIGGERS.items()), widget=UnfoldAdminCheckboxSelectMultipleWidget
    )
    condition = forms.JSONField(required=False, help_text=CONDITION_HELP)
    actions = forms.JSONField(required=False, help_text=ACTIONS_HELP, widget=ActionListWidget)

    class Meta:
        model = Rule
        fields = (
            "rule_set",
            "name",
            "description",
            "triggers",
            "condition",
            "condition_cel",
            "actions",
            "script",
            "position",
            "is_active",
            "stop_processing",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        definitions = ()
        if self.instance.pk:
            definitions = tuple(self.instance.rule_set.workspace.field_definitions.all())
        self.fields["condition"].widget = ConditionBuilderWidget(custom_fields=definitions)

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.instance.rule_set_id:
            return
        self.instance.condition = self.instance.condition or {}
        self.instance.actions = self.instance.actions or []
        try:
            rule_validate(self.instance)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)


class RuleInline(TabularInline):
    model = Rule
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("position", "name", "is_active", "stop_processing", "version")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(WorkspaceScopedAdmin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ("name", "workspace", "live", "version", "rule_count", "updated_at")
    list_filter = ("workspace", "is_live")
    search_fields = ("name",)
    fields = ("workspace", "name", "is_live", "based_on", "version")
    readonly_fields = ("based_on", "version")
    inlines = [RuleInline]
    actions_detail = ["copy_as_draft", "publish", "drill"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rules_total=Count("rules"))

    @display(description="Live", boolean=True, ordering="is_live")
    def live(self, obj):
        return obj.is_live

    @display(description="Rules", ordering="rules_total")
    def rule_count(self, obj):
        return obj.rules_total

    def save_model(self, request, obj, form, change):
        rule_set_save(rule_set=obj)

    def has_copy_permission(self, request, object_id=None):
        return self.has_add_permission(request)

    def has_publish_permission(self, request, object_id=None):
        return self.has_change_permission(request)

    @action(description="Copy as a draft", permissions=["copy"])
    def copy_as_draft(self, request, object_id):
        rule_set = get_object_or_404(RuleSet, pk=object_id)
        if request.method != "POST":  # the action link only asks; the change is a POST
            return self._confirm(request, rule_set, f"Make a draft copy of {rule_set}?", "Copy")
        draft = rule_set_copy(rule_set=rule_set)
        self.message_user(request, f"{draft.name} was created; edit it, then drill or publish.")
        return HttpResponseRedirect(reverse("admin:escalations_ruleset_change", args=[draft.pk]))

    @action(description="Publish (make live)", permissions=["publish"])
    def publish(self, request, object_id):
        rule_set = get_object_or_404(RuleSet, pk=object_id)
        if request.method != "POST":
            question = f"Make {rule_set} the live rule set of {rule_set.workspace}?"
            return self._confirm(request, rule_set, question, "Publish")
        published = rule_set_publish(rule_set=rule_set)
        self.message_user(request, f"{published.name} is now live.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:escalations_ruleset_change", args=[object_id]))

    def has_drill_permission(self, request, object_id=None):
        return self.has_view_permission(request) and request.user.has_perm(
            "escalations.add_ruledrill"
        )

    @action(description="Run a drill…", permissions=["drill"])
    def drill(self, request, object_id):
        rule_set = get_object_or_404(RuleSet, pk=object_id)
        form = DrillForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            drill = drill_start(
                rule_set=rule_set,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                actor=Actor.for_user(request.user),
            )
            self.message_user(request, f"The drill of {drill.tickets_total} tickets has started.")
            return HttpResponseRedirect(
                reverse("admin:escalations_ruledrill_change", args=[drill.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Drill: replay past tickets against {rule_set}",
            "form": form,
            "cancel_url": reverse("admin:escalations_ruleset_change", args=[rule_set.pk]),
        }
        return TemplateResponse(request, "escalations/admin/drill_form.html", context)

    def _confirm(self, request, rule_set, question: str, label: str):
        context = {
            **self.admin_site.each_context(request),
            "title": label,
            "question": question,
            "confirm_label": label,
            "cancel_url": reverse("admin:escalations_ruleset_change", args=[rule_set.pk]),
        }
        return TemplateResponse(request, "escalations/admin/confirm.html", context)


@admin.register(Rule)
class RuleAdmin(SpreadsheetAdmin, WorkspaceScopedAdmin, SimpleHistoryAdmin, ModelAdmin):
    resource_classes = [RuleResource]
    form = RuleForm
    list_display = (
        "name",
        "rule_set",
        "position",
        "trigger_list",
        "is_active",
        "stop_processing",
        "version",
    )
    list_filter = ("rule_set__workspace", "rule_set", "is_active")
    search_fields = ("name", "description")
    list_select_related = ("rule_set",)
    ordering = ("rule_set", "position", "id")

    @display(description="Triggers")
    def trigger_list(self, obj):
        return ", ".join(TRIGGERS.get(t, t) for t in obj.triggers)

    def save_model(self, request, obj, form, change):
        rule_save(rule=obj)

    def delete_model(self, request, obj):
        rule_delete(rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            rule_delete(rule=rule)


@admin.register(RuleFiring)
class RuleFiringAdmin(ModelAdmin):
    list_display = ("created_at", "rule_name", "rule_version", "ticket", "depth", "problems")
    list_filter = ("rule_name",)
    search_fields = ("rule_name", "ticket__subject")
    list_select_related = ("ticket",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=sorted(SUBSCRIBABLE_EVENTS.items()),
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text="Each is POSTed as JSON, signed X-Handoff-Signature: sha256=<HMAC of the body> "
        "with the integration's credential, retried by the task queue.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ("integration", "path", "events", "is_active")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin, ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("integration", "path", "event_list", "is_active")
    list_filter = ("integration", "is_active")

    @display(description="Events")
    def event_list(self, obj):
        return ", ".join(SUBSCRIBABLE_EVENTS.get(e, e) for e in obj.events)


@admin.register(SignedCaller)
class SignedCallerAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Integration logins whose API deliveries must carry an HMAC signature."""

    list_display = ("user", "secret_env", "require_signature")
    autocomplete_fields = ("user",)


@admin.register(Integration)
class IntegrationAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = ("name", "kind", "base_url", "credential_env", "timeout_seconds", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "base_url")

    def save_model(self, request, obj, form, change):
        directory_save(instance=obj)


class DrillForm(forms.Form):
    period_start = forms.SplitDateTimeField(
        label="Tickets created from", widget=UnfoldAdminSplitDateTimeWidget
    )
    period_end = forms.SplitDateTimeField(label="until", widget=UnfoldAdminSplitDateTimeWidget)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start >= end:
            raise ValidationError("The period must end after it starts.")
        return cleaned


@admin.register(RuleDrill)
class RuleDrillAdmin(WorkspaceScopedAdmin, ModelAdmin):
    list_display = ("__str__", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("status", "rule_set")
    change_form_template = "escalations/admin/drill_report.html"

    def has_add_permission(self, request):
        return False  # drills start from a rule set ("Run a drill…")

    def has_change_permission(self, request, obj=None):
        return False

    @display(description="Progress")
    def progress(self, obj):
        return f"{obj.tickets_done} / {obj.tickets_total}"


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    """Everyone sees their own notifications; managers see all."""

    list_display = ("created_at", "recipient", "ticket", "message", "source", "emailed_at")
    list_filter = ("source",)
    search_fields = ("message", "ticket__subject")
    list_select_related = ("recipient", "ticket")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("escalations.change_workspace"):
            return queryset
        return queryset.filter(recipient=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
