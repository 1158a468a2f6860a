"""The desk admin: importing it registers the ticket, escalation and workspace pages."""

from escalations.desk.admin import escalations, ticket_parts, tickets, workspaces  # noqa: F401
