"""Admin forms: they validate with the same functions the services use, at save time."""

import json

from django import forms
from django.core.exceptions import ValidationError
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from escalations.models import Agent, Customer, EscalationKind, Team, Ticket
from escalations.services.tickets import normalise_tags, ticket_validate


class WordListField(forms.CharField):
    """A list of words edited as comma-separated text."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_tags(value)


class PrettyJSONField(forms.JSONField):
    widget = forms.Textarea(attrs={"rows": 6, "class": "font-mono"})

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class AgentForm(forms.ModelForm):
    skills = WordListField(required=False, help_text="Comma-separated, e.g. refunds, api, german.")

    class Meta:
        model = Agent
        fields = ("user", "display_name", "skills", "capacity", "is_available")


class CustomerForm(forms.ModelForm):
    crm_data = PrettyJSONField(required=False, help_text="Fields from the CRM, as a JSON object.")

    class Meta:
        model = Customer
        fields = (
            "name",
            "email",
            "phone",
            "company",
            "language",
            "tier",
            "segment",
            "crm_id",
            "crm_data",
        )

    def clean_crm_data(self):
        value = self.cleaned_data["crm_data"] or {}
        if not isinstance(value, dict):
            raise ValidationError("CRM data must be a JSON object of field: value.")
        return value


class TicketForm(forms.ModelForm):
    tags = WordListField(required=False, help_text="Comma-separated.")
    custom_fields = PrettyJSONField(
        required=False,
        help_text="Values for this workspace's custom fields, as a JSON object of key: value.",
    )

    class Meta:
        model = Ticket
        fields = (
            "workspace",
            "subject",
            "customer",
            "channel",
            "store",
            "topic",
            "team",
            "assignee",
            "tier",
            "priority",
            "tags",
            "custom_status",
            "snoozed_until",
            "ai_confidence",
            "ai_intent",
            "ai_sentiment",
            "custom_fields",
        )

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # The service's own validation: custom fields, team membership, custom status.
        try:
            ticket_validate(self.instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)


class TransitionForm(forms.Form):
    transition = forms.CharField()
    expected_status = forms.CharField()
    reason = forms.CharField(required=False, max_length=2000)


class EscalationForm(forms.Form):
    """Hand a ticket over (the one-button escalation grows out of this)."""

    kind = forms.ChoiceField(
        choices=EscalationKind.choices,
        initial=EscalationKind.AGENT_INITIATED,
        widget=UnfoldAdminSelectWidget,
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Team", widget=UnfoldAdminSelectWidget
    )
    to_agent = forms.ModelChoiceField(
        queryset=Agent.objects.none(),
        required=False,
        label="Agent",
        help_text="Leave empty to hand the ticket to the team's queue.",
        widget=UnfoldAdminSelectWidget,
    )
    summary = forms.CharField(
        help_text="What the next person needs to know; posted as an internal note.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
    )
    reasons = forms.CharField(
        required=False,
        help_text="One reason per line.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.fields["to_team"].queryset = Team.objects.filter(workspace=ticket.workspace_id)
        self.fields["to_agent"].queryset = Agent.objects.filter(
            teams__workspace=ticket.workspace_id
        ).distinct()

    def clean_reasons(self):
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]
