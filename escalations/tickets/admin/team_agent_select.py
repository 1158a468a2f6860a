"""An agent picker that follows a team picker on the same form: only the chosen team's members
are offered, on the server for the team already chosen and in the page as the team changes."""

from unfold.widgets import UnfoldAdminSelectWidget


class TeamAgentSelect(UnfoldAdminSelectWidget):
    """Each agent's option names the teams the agent is in (`data-teams`); those outside the
    chosen team are hidden and cannot be picked. The widget's script (no network assets)
    re-applies that whenever the team picker (`team_field`, the form field's name) changes."""

    template_name = "escalations/widgets/team_agent_select.html"

    def __init__(self, attrs=None, choices=(), *, team_field: str):
        super().__init__(attrs, choices)
        self.team_field = team_field
        self.chosen_team = ""  # the team's pk as the form has it (bound data or initial)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["team_field_id"] = f"id_{self.team_field}"
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        agent = getattr(value, "instance", None)
        if agent is None:
            return option  # the empty choice: always offered
        teams = [str(team.pk) for team in agent.teams.all()]
        option["attrs"]["data-teams"] = " ".join(teams)
        if self.chosen_team and self.chosen_team not in teams:
            option["attrs"].update(hidden=True, disabled=True)
            option["selected"] = False
        return option
