from django import forms
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from escalations.tickets.admin.workspace_scope import form_name_workspaces
from escalations.tickets.models import Team


class UseTemplateForm(forms.Form):
    """The new workspace's name, and for each of the template's teams, optionally an existing
    team whose members join it (otherwise it starts empty, to be renamed and staffed)."""

    name = forms.CharField(max_length=120, widget=UnfoldAdminTextInputWidget())
    slug = forms.SlugField(
        max_length=60,
        required=False,
        help_text="Leave empty to make it from the name.",
        widget=UnfoldAdminTextInputWidget(),
    )

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        existing = Team.objects.select_related("workspace").order_by("workspace__name", "name")
        for team in template.spec["teams"]:
            self.fields[f"members_{team['key']}"] = forms.ModelChoiceField(
                queryset=existing,
                required=False,
                label=f"{team['name']}: members from",
                help_text="An existing team whose agents join this one.",
                widget=UnfoldAdminSelectWidget(),
            )
        self.team_keys = [team["key"] for team in template.spec["teams"]]
        form_name_workspaces(self)  # the teams of every workspace, of the same names

    def members_from(self) -> dict:
        return {
            key: self.cleaned_data[f"members_{key}"]
            for key in self.team_keys
            if self.cleaned_data.get(f"members_{key}")
        }
