"""Admin forms for tickets: the ticket with its custom fields as real form fields, and a move
to another status. They validate with the same functions the services use, at save time."""

from django import forms
from django.core.exceptions import ValidationError
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminEmailInputWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
    UnfoldBooleanSwitchWidget,
)

from escalations.tickets.admin.form_fields import PrettyJSONField, WordListField
from escalations.tickets.models import Ticket
from escalations.tickets.services.snooze import snooze_check
from escalations.tickets.services.tickets import CREATE_FIELDS, ticket_validate


class TicketForm(forms.ModelForm):
    tags = WordListField(required=False, help_text="Comma-separated.")
    custom_fields = PrettyJSONField(
        required=False,
        help_text="Values for this workspace's custom fields, as a JSON object of key: value.",
    )

    class Meta:
        model = Ticket
        fields = (*CREATE_FIELDS, "snoozed_until", "sla_policy")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A saved ticket's workspace is known: its custom fields become real form fields.
        self.custom_definitions = (
            list(self.instance.workspace.field_definitions.all()) if self.instance.pk else []
        )
        stored = self.instance.custom_fields or {}
        for definition in self.custom_definitions:
            name = custom_field_name(definition.key)
            self.fields[name] = custom_form_field(definition)
            self.initial[name] = stored.get(definition.key)

    @property
    def changed_ticket_fields(self) -> list[str]:
        """The model fields the user changed; any custom field counts as `custom_fields`."""
        changed = [f for f in self.changed_data if not f.startswith(CUSTOM_FIELD_PREFIX)]
        if len(changed) < len(self.changed_data) and "custom_fields" not in changed:
            changed.append("custom_fields")
        return changed

    def clean(self):
        cleaned = super().clean()
        if self.custom_definitions:
            values = {}
            for definition in self.custom_definitions:
                value = cleaned.get(custom_field_name(definition.key))
                if value in (None, "", []) or (value is False and not definition.is_required):
                    continue
                values[definition.key] = value.isoformat() if hasattr(value, "isoformat") else value
            self.instance.custom_fields = values
        return cleaned

    def clean_snoozed_until(self):
        value = self.cleaned_data.get("snoozed_until")
        if value is None or "snoozed_until" not in self.changed_data:
            return value
        try:
            snooze_check(ticket=self.instance, until=value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["snoozed_until"]) from None
        return value

    def clean_sla_policy(self):
        policy = self.cleaned_data.get("sla_policy")
        if (
            policy is not None
            and self.instance.pk
            and policy.workspace_id != (self.instance.workspace_id)
        ):
            raise ValidationError("The SLA policy belongs to another workspace.")
        return policy

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # The service's own validation: custom fields, team membership, custom status.
        try:
            ticket_validate(self.instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(self._error_target(field, message), message)

    def _error_target(self, field: str, message: str) -> str | None:
        if field == "custom_fields":
            for definition in self.custom_definitions:
                if f"({definition.key})" in message:
                    return custom_field_name(definition.key)
        return field if field in self.fields else None


CUSTOM_FIELD_PREFIX = "cf_"


def custom_field_name(key: str) -> str:
    return f"{CUSTOM_FIELD_PREFIX}{key}"


def custom_form_field(definition) -> forms.Field:
    """The form field for one custom field definition (the service validates the value)."""
    common = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.is_required,
    }
    kind = definition.field_type
    choices = [(c, c) for c in definition.choices or []]
    if kind == "boolean":
        return forms.BooleanField(**{**common, "required": False}, widget=UnfoldBooleanSwitchWidget)
    if kind == "choice":
        return forms.ChoiceField(
            choices=[("", "—"), *choices], widget=UnfoldAdminSelectWidget, **common
        )
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=choices, widget=UnfoldAdminCheckboxSelectMultipleWidget, **common
        )
    if kind == "date":
        return forms.DateField(widget=UnfoldAdminSingleDateWidget, **common)
    if kind == "datetime":
        return forms.DateTimeField(widget=UnfoldAdminTextInputWidget, **common)
    if kind == "integer":
        return forms.IntegerField(widget=UnfoldAdminIntegerFieldWidget, **common)
    if kind == "number":
        return forms.FloatField(widget=UnfoldAdminTextInputWidget, **common)
    if kind == "email":
        return forms.EmailField(widget=UnfoldAdminEmailInputWidget, **common)
    if kind == "url":
        return forms.URLField(widget=UnfoldAdminURLInputWidget, **common)
    return forms.CharField(widget=UnfoldAdminTextInputWidget, **common)


class TransitionForm(forms.Form):
    to_status = forms.CharField(max_length=60)
    expected_status = forms.CharField(max_length=60)
    reason = forms.CharField(required=False, max_length=2000)
