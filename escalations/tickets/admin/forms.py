"""Admin forms: they validate with the same functions the services use, at save time."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminEmailInputWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminPasswordWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
    UnfoldBooleanSwitchWidget,
)

from escalations.tickets.admin.team_agent_select import TeamAgentSelect
from escalations.tickets.admin.workspace_scope import name_workspaces
from escalations.tickets.models import (
    Agent,
    Customer,
    CustomFieldDefinition,
    Escalation,
    EscalationKind,
    Team,
    Ticket,
    TicketStatus,
)
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.escalations import ERR_AGENT_NOT_IN_TEAM
from escalations.tickets.services.snooze import snooze_check
from escalations.tickets.services.tickets import CREATE_FIELDS, normalise_tags, ticket_validate
from escalations.tickets.workflow import SystemMove


class WordListField(forms.CharField):
    """A list of words edited as comma-separated text."""

    widget = UnfoldAdminTextInputWidget

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_tags(value)


class PrettyJSONField(forms.JSONField):
    widget = UnfoldAdminTextareaWidget(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class ChoiceListField(forms.CharField):
    """Allowed values edited as comma-separated text, kept in the order given."""

    widget = UnfoldAdminTextInputWidget

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        return [item.strip() for item in value.split(",") if item.strip()]


class PhraseListField(forms.CharField):
    """Words or phrases, one per line, kept in the order given, without repeats."""

    widget = UnfoldAdminTextareaWidget(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        phrases = []
        for line in value.splitlines():
            phrase = " ".join(line.split())
            if phrase and phrase.lower() not in {p.lower() for p in phrases}:
                phrases.append(phrase)
        return phrases


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


class AgentWithTeamsChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agent):
        teams = ", ".join(team.name for team in agent.teams.all())
        away = "" if agent.is_available else " — away"
        return f"{agent.display_name} ({teams}){away}" if teams else agent.display_name


class EscalationForm(forms.Form):
    """Hand a ticket over (the one-button escalation grows out of this)."""

    kind = forms.ChoiceField(
        # "By a rule" is for the rules' own escalations, which name their rule.
        choices=[c for c in EscalationKind.choices if c[0] != EscalationKind.RULE],
        initial=EscalationKind.AGENT_INITIATED,
        widget=UnfoldAdminSelectWidget,
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Team", widget=UnfoldAdminSelectWidget
    )
    to_agent = AgentWithTeamsChoiceField(
        queryset=Agent.objects.none(),
        required=False,
        label="Agent",
        help_text="Leave empty and the team's assignment strategy picks the agent. The agent "
        "must be a member of the chosen team.",
        widget=TeamAgentSelect(team_field="to_team"),
    )
    summary = forms.CharField(
        required=False,
        help_text="What the next person needs to know; posted as an internal note.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}),
    )
    reasons = forms.CharField(
        required=False,
        help_text="One reason per line.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, *args, ticket: Ticket | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        teams = Team.objects.filter(is_escalation_target=True).select_related("workspace")
        if ticket is None:
            # Started from the escalation list: say which ticket.
            self.fields = {
                "ticket": forms.IntegerField(
                    label="Ticket number",
                    min_value=1,
                    help_text="e.g. 42 for ticket #42",
                    widget=UnfoldAdminIntegerFieldWidget,
                ),
                **self.fields,
            }
        else:
            teams = teams.filter(workspace=ticket.workspace_id)
            self.fields["summary"].required = ticket.workspace.escalation_summary_required
            self._add_status_choice(ticket)
        self.fields["to_team"].queryset = teams
        # The members of the teams offered; the picker shows those of the team chosen.
        self.fields["to_agent"].queryset = (
            Agent.objects.filter(teams__in=teams)
            .distinct()
            .prefetch_related("teams")
            .order_by("display_name")
        )
        self.fields["to_agent"].widget.chosen_team = str(self["to_team"].value() or "")
        if ticket is None:  # the ticket, so its workspace, is not known yet
            name_workspaces(self.fields["to_team"])

    def _add_status_choice(self, ticket: Ticket) -> None:
        """Where the workflow lets the escalation land, when it offers a choice."""
        workflow = workflow_of(ticket.workspace_id)
        current = ticket_status(ticket)
        options = [s for s in workflow.next_statuses(current) if s.state == TicketStatus.ESCALATED]
        if not options:
            return  # already escalated, or nothing escalated is allowed from here
        landing = workflow.landing(SystemMove.ESCALATION)
        chosen = self.initial.get("to_status")
        if chosen not in {s.slug for s in options}:
            chosen = landing.slug if landing in options else options[0].slug
        self.initial["to_status"] = chosen
        self.fields["to_status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[(s.slug, s.name) for s in options],
            initial=chosen,
            required=False,
            help_text=_("Where the ticket goes; the workflow allows these from here."),
            # One place to go needs no choosing.
            widget=UnfoldAdminSelectWidget if len(options) > 1 else forms.HiddenInput,
        )

    def clean_to_status(self):
        """Not sent (a one-choice form posted by a script): where the form would have said."""
        return self.cleaned_data.get("to_status") or self.fields["to_status"].initial

    def clean_ticket(self):
        number = self.cleaned_data["ticket"]
        ticket = Ticket.objects.filter(pk=number).first()
        if ticket is None:
            raise ValidationError(f"There is no ticket #{number}.")
        self.ticket = ticket
        return ticket

    def clean_reasons(self):
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        team, agent = cleaned.get("to_team"), cleaned.get("to_agent")
        if team is not None and agent is not None and team not in agent.teams.all():
            self.add_error("to_agent", ERR_AGENT_NOT_IN_TEAM.format(agent=agent, team=team))
        return cleaned

    @property
    def summary_required(self) -> bool:
        return self.ticket is not None and self.ticket.workspace.escalation_summary_required


class EscalationCorrectionForm(forms.ModelForm):
    reasons = forms.CharField(
        required=False,
        help_text="One reason per line.",
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )

    class Meta:
        model = Escalation
        fields = ("summary", "reasons")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["reasons"] = "\n".join(self.instance.reasons)

    def clean_reasons(self):
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]
