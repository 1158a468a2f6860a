"""Directory rows every delivery reads (workspaces, teams, memberships, agents' names), kept
with the configuration under its token (see `escalations.core.config_cache`)."""

from escalations.core.config_cache import config_cached
from escalations.tickets.models import Agent, Team, TeamMembership, Workspace


def workspace_kept(workspace_id: int):
    """The workspace row (its settings), kept with the configuration (shared: read-only)."""
    return config_cached("workspace", workspace_id, lambda: Workspace.objects.get(pk=workspace_id))


def team_kept(team_id: int | None):
    """A team row, kept with the configuration (shared: read-only; its round-robin pointer is
    read under a lock by the assignment, never from here)."""
    if team_id is None:
        return None
    return config_cached("team", team_id, lambda: Team.objects.filter(pk=team_id).first())


def team_members(team_id: int) -> frozenset[int]:
    """The ids of a team's agents, kept with the configuration."""
    return config_cached(
        "team_members",
        team_id,
        lambda: frozenset(
            TeamMembership.objects.filter(team=team_id).values_list("agent_id", flat=True)
        ),
    )


def agent_names() -> dict[int, str]:
    """Each agent's display name by their login's id, kept with the configuration."""
    return config_cached(
        "agent_names", None, lambda: dict(Agent.objects.values_list("user_id", "display_name"))
    )
