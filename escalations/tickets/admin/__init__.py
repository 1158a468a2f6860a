"""The tickets admin: the directory (teams, agents, customers), logins and the forms and
widgets the ticket, escalation and workspace pages use; importing it registers its model
admins. The pages that show every domain around a ticket are composed in `escalations.desk`."""

from escalations.tickets.admin import (  # noqa: F401
    accounts,
    base,
    directory,
    directory_forms,
    escalation_forms,
    form_fields,
    team_agent_select,
    ticket_forms,
    ticket_views,
    workflow_diagram,
    workflow_forms,
    workspace_scope,
)
