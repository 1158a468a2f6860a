"""Filter fields that name a workspace or a team the way callers hold them: by slug or by id.

The API answers with ids in some places and slugs in others, so every filter takes either; a
value that names nothing is a field error, never a filter that quietly matches nothing. The
report filter (admin and API) and the API's list filters share these fields.
"""

from contextlib import suppress

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalations.tickets.models import Agent, Team, Workspace

ERR_NO_WORKSPACE = _("There is no workspace {value!r} (give its slug or its id).")
ERR_NO_TEAM = _("There is no team {value!r} (give its slug or its id).")
ERR_NO_TEAM_HERE = _("{workspace} has no team {value!r}.")
ERR_TEAM_AMBIGUOUS = _(
    "Several workspaces have a team {value!r}: give the team's id, or the workspace."
)
ERR_TEAM_ELSEWHERE = _("The team belongs to another workspace.")
ERR_NO_AGENT = _("There is no agent {value!r} (give the login or the id).")


def _by_slug_or_id(queryset, key: str, value) -> list:
    """The rows `value` names: a number is tried as the id first, then as the slug (or `key`)."""
    value = str(value).strip()
    if "\x00" in value:  # no slug or login holds one, and PostgreSQL refuses it in a query
        return []
    if value.isdigit():
        by_id = list(queryset.filter(pk=int(value))[:1])
        if by_id:
            return by_id
    return list(queryset.filter(**{key: value})[:2])


def workspace_named(value) -> Workspace | None:
    """The workspace a caller names by slug or id, as the API's write inputs take it."""
    found = _by_slug_or_id(Workspace.objects.all(), "slug", value)
    return found[0] if len(found) == 1 else None


def team_named(workspace_id: int, value) -> Team | None:
    """The workspace's team a caller names by slug or id."""
    found = _by_slug_or_id(Team.objects.filter(workspace=workspace_id), "slug", value)
    return found[0] if len(found) == 1 else None


def agent_named(value) -> Agent | None:
    """The agent a caller names by login or id."""
    found = _by_slug_or_id(Agent.objects.all(), "user__username", value)
    return found[0] if len(found) == 1 else None


class _SlugOrIdField(forms.ModelChoiceField):
    """One row named by its slug (or `key`) or its numeric id (a number is tried as the id
    first)."""

    missing = ERR_NO_WORKSPACE
    key = "slug"

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        matches = [] if "\x00" in value else self._matches(value)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(self._ambiguous(value), code="ambiguous")
        raise ValidationError(self._missing(value), code="invalid_choice")

    def _matches(self, value: str) -> list:
        return _by_slug_or_id(self.queryset, self.key, value)

    def _missing(self, value: str) -> str:
        return str(self.missing).format(value=value)

    def _ambiguous(self, value: str) -> str:
        return self._missing(value)


class WorkspaceField(_SlugOrIdField):
    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset if queryset is not None else Workspace.objects.all(), **kwargs)


class TeamField(_SlugOrIdField):
    """A team by id, or by slug; a slug is looked up in `within` when the caller also names
    the workspace (team slugs are unique only per workspace)."""

    missing = ERR_NO_TEAM
    within: Workspace | None = None

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset if queryset is not None else Team.objects.all(), **kwargs)

    def _matches(self, value: str) -> list:
        if value.isdigit():
            by_id = list(self.queryset.filter(pk=int(value))[:1])
            if by_id:
                return by_id
        teams = self.queryset.filter(slug=value)
        if self.within is not None:
            teams = teams.filter(workspace=self.within)
        return list(teams[:2])

    def _missing(self, value: str) -> str:
        if self.within is not None:
            return str(ERR_NO_TEAM_HERE).format(workspace=self.within, value=value)
        return super()._missing(value)

    def _ambiguous(self, value: str) -> str:
        return str(ERR_TEAM_AMBIGUOUS).format(value=value)


class AgentField(_SlugOrIdField):
    """An agent by login or id."""

    missing = ERR_NO_AGENT
    key = "user__username"

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset if queryset is not None else Agent.objects.all(), **kwargs)


class WorkspaceAndTeam:
    """A form mixin for a `workspace` and a `team` field: a team slug is read in the named
    workspace, and a team of another workspace is a field error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = self.fields.get("team")
        raw = (self.data or {}).get(self.add_prefix("workspace"))
        if isinstance(team, TeamField) and raw:
            with suppress(ValidationError):  # a bad workspace is the workspace field's error
                team.within = self.fields["workspace"].to_python(raw)

    def clean(self):
        cleaned = super().clean()
        team, workspace = cleaned.get("team"), cleaned.get("workspace")
        if team is not None and workspace is not None and team.workspace_id != workspace.pk:
            self.add_error("team", ERR_TEAM_ELSEWHERE)
        return cleaned
