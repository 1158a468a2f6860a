"""The tickets admin: importing it registers its model admins."""

from escalations.tickets.admin import (  # noqa: F401
    accounts,
    base,
    directory,
    directory_forms,
    escalation_forms,
    escalation_reports,
    escalations,
    form_fields,
    procedure,
    sla_timeline,
    team_agent_select,
    ticket_forms,
    ticket_parts,
    ticket_sla,
    ticket_views,
    tickets,
    workflow_diagram,
    workflow_forms,
    workspace_scope,
    workspaces,
)
