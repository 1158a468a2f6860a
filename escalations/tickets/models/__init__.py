"""Tickets models, re-exported: import them from here."""

from escalations.tickets.models.choices import (
    ACTIVE_STATUSES,
    AssignmentFallback,
    AssignmentStrategy,
    AuthorKind,
    Channel,
    CustomerTier,
    EscalationKind,
    FieldType,
    MembershipRole,
    Priority,
    TicketStatus,
    Tier,
)
from escalations.tickets.models.customer import Customer
from escalations.tickets.models.escalation import Escalation
from escalations.tickets.models.notifications import Notification
from escalations.tickets.models.team import Agent, Team, TeamMembership
from escalations.tickets.models.ticket import Message, Ticket
from escalations.tickets.models.workspace import CustomFieldDefinition, CustomStatus, Workspace

__all__ = [
    "ACTIVE_STATUSES",
    "Agent",
    "AssignmentFallback",
    "AssignmentStrategy",
    "AuthorKind",
    "Channel",
    "CustomFieldDefinition",
    "CustomStatus",
    "Customer",
    "CustomerTier",
    "Escalation",
    "EscalationKind",
    "FieldType",
    "MembershipRole",
    "Message",
    "Notification",
    "Priority",
    "Team",
    "TeamMembership",
    "Ticket",
    "TicketStatus",
    "Tier",
    "Workspace",
]
