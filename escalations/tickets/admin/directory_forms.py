"""Admin forms for the directory: agents (with their login), customers and custom field
definitions."""

from django import forms
from django.core.exceptions import ValidationError
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminEmailInputWidget,
    UnfoldAdminPasswordWidget,
    UnfoldAdminTextInputWidget,
)

from escalations.tickets.admin.form_fields import ChoiceListField, PrettyJSONField, WordListField
from escalations.tickets.models import Agent, Customer, CustomFieldDefinition, Team


class CustomFieldDefinitionForm(forms.ModelForm):
    choices = ChoiceListField(
        required=False, help_text="For choice fields: the allowed values, comma-separated."
    )

    class Meta:
        model = CustomFieldDefinition
        fields = ("key", "label", "field_type", "is_required", "choices", "pattern", "position")


class AgentCreationForm(forms.ModelForm):
    """A new agent and their login in one step."""

    username = forms.CharField(max_length=150, widget=UnfoldAdminTextInputWidget)
    email = forms.EmailField(required=False, widget=UnfoldAdminEmailInputWidget)
    password = forms.CharField(
        required=False,
        widget=UnfoldAdminPasswordWidget(render_value=False),
        help_text="Leave empty to set it later (Users → the login → set password); "
        "the agent cannot log in until then.",
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.select_related("workspace"),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
    )
    skills = WordListField(required=False, help_text="Comma-separated, e.g. refunds, api, german.")

    class Meta:
        model = Agent
        fields = ("display_name", "skills", "capacity", "is_available")

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError("This login is taken.")
        return username

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data["password"]
        if password:
            validate_password(password)
        return password


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
