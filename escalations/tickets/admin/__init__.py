"""The tickets admin: importing it registers its model admins."""

from escalations.tickets.admin import (  # noqa: F401
    accounts,
    base,
    directory,
    escalations,
    forms,
    overview,
    team_agent_select,
    ticket_parts,
    ticket_views,
    tickets,
    workflow_diagram,
    workflow_forms,
    workspace_scope,
)
