"""Admin forms for escalations: handing a ticket over to a team or an agent, and correcting
what an escalation said."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from escalations.tickets.admin.team_agent_select import TeamAgentSelect
from escalations.tickets.admin.workspace_scope import name_workspaces
from escalations.tickets.models import Agent, Escalation, EscalationKind, Team, Ticket, TicketStatus
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.escalations import ERR_AGENT_NOT_IN_TEAM
from escalations.tickets.workflow import SystemMove


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
