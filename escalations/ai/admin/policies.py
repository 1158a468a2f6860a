"""AI-to-human hand-over in the admin: the escalation policies per task category, and every
AI verdict with the decision taken on it (read-only: verdicts come from the AI)."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from escalations.ai.models import AiVerdict, Decision, EscalationPolicy
from escalations.ai.verdict_checks import check_text
from escalations.tickets.admin.directory import HistoryAdmin
from escalations.tickets.admin.form_fields import PhraseListField, WordListField


class EscalationPolicyForm(forms.ModelForm):
    categories = WordListField(
        required=False, help_text="Task categories (the AI's intents), comma-separated."
    )
    keywords = PhraseListField(
        required=False,
        help_text="One word or phrase per line, any language; case and accents do not matter; "
        "a word matches at its start (cancel: cancel, cancellation; not uncancelled).",
    )
    customer_tiers = WordListField(
        required=False, help_text="free, standard, premium, enterprise, vip; empty: none."
    )
    required_fields = WordListField(required=False, help_text="Custom field keys.")
    escalate_on_flags = WordListField(
        required=False, help_text="e.g. policy_violation, pii, fraud, legal_threat."
    )

    class Meta:
        model = EscalationPolicy
        fields = (
            "workspace",
            "name",
            "categories",
            "is_default",
            "is_active",
            "always_human",
            "min_confidence",
            "sentiment_floor",
            "keywords",
            "customer_tiers",
            "required_fields",
            "check_field_formats",
            "escalate_on_flags",
            "escalate_on_ambiguous",
            "to_team",
            "to_tier",
        )


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(HistoryAdmin):
    form = EscalationPolicyForm
    list_display = (
        "name",
        "workspace",
        "category_list",
        "always_human",
        "min_confidence",
        "sentiment_floor",
        "to_team",
        "is_default",
        "is_active",
    )
    list_filter = ("workspace", "is_active", "always_human")
    search_fields = ("name", "categories")
    fieldsets = (
        (None, {"fields": ("workspace", "name", "categories", "is_default", "is_active")}),
        (
            "When a person takes over",
            {
                "fields": (
                    "always_human",
                    "min_confidence",
                    "sentiment_floor",
                    "keywords",
                    "customer_tiers",
                )
            },
        ),
        (
            "Business-rule checks",
            {
                "fields": (
                    "required_fields",
                    "check_field_formats",
                    "escalate_on_flags",
                    "escalate_on_ambiguous",
                )
            },
        ),
        ("Who takes over", {"fields": ("to_team", "to_tier")}),
    )

    @display(description="Categories")
    def category_list(self, obj):
        return ", ".join(obj.categories) if obj.categories else "(all others)"


@admin.register(AiVerdict)
class AiVerdictAdmin(ModelAdmin):
    list_display = (
        "received_at",
        "ticket",
        "intent",
        "confidence",
        "sentiment",
        "policy_name",
        "decision_label",
        "reason_text",
    )
    list_filter = ("decision", "policy_name", "intent")
    search_fields = ("ticket__subject", "intent", "=ticket__id")
    list_select_related = ("ticket",)
    date_hierarchy = "received_at"
    readonly_fields = (
        "ticket",
        "message",
        "received_at",
        "confidence",
        "intent",
        "sentiment",
        "attempted_solutions",
        "proposed_reply",
        "flags",
        "fields",
        "handoff_requested",
        "policy_name",
        "policy_version",
        "decision",
        "check_table",
        "escalation",
    )
    exclude = ("policy", "reasons", "checks")

    def has_add_permission(self, request):
        return False  # verdicts come from the AI, through the API

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(
        description="Decision",
        label={
            Decision.ESCALATE: "danger",
            Decision.STAY: "success",
            Decision.ALREADY_HUMAN: "info",
        },
    )
    def decision_label(self, obj):
        return obj.decision, obj.get_decision_display()

    @display(description="Reasons")
    def reason_text(self, obj):
        return "; ".join(obj.reasons)[:200]

    @display(description="Checks")
    def check_table(self, obj):
        rows = (
            (
                check["name"],
                _("passed") if check["passed"] else _("failed"),
                check.get("value", "—"),
                check.get("threshold", "—"),
                check_text(check, policy_name=obj.policy_name),
            )
            for check in obj.checks
        )
        return (
            format_html_join(
                "",
                "<div data-testid='verdict-check'><strong>{}</strong>: {} (value {}, threshold {}) "
                "{}</div>",
                rows,
            )
            or "No policy applied."
        )
