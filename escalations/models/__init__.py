"""Handoff's domain, one module per concept."""

from escalations.models.ai import AiVerdict, Decision, EscalationPolicy
from escalations.models.api import IdempotencyKey, SignedCaller
from escalations.models.calendars import BusinessCalendar
from escalations.models.choices import (
    ACTIVE_STATUSES,
    ActorKind,
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
from escalations.models.communications import (
    CommunicationPlan,
    ContactChannel,
    IncidentCommunication,
    PlanContact,
    PlanStep,
    StatusUpdate,
)
from escalations.models.config import ConfigRevision
from escalations.models.customer import Customer
from escalations.models.escalation import Escalation
from escalations.models.event import AppendOnlyError, EventType, TicketEvent
from escalations.models.integrations import Integration
from escalations.models.matrix import (
    EscalationMatrix,
    EscalationMatrixCell,
    Highlight,
    PriorityMatrix,
)
from escalations.models.notifications import Notification
from escalations.models.plans import (
    ActionPlanBlueprint,
    IncidentActionPlan,
    OperationalPeriod,
    PlanResponsibility,
    PlanStatus,
)
from escalations.models.procedures import EscalationProcedure
from escalations.models.processes import (
    IntegrationFlag,
    ProcessKind,
    ProcessStep,
    SignOffState,
    StepSignOff,
    WorkProcess,
)
from escalations.models.quality import QualityChecklist, QualityFlag, Severity
from escalations.models.raci import (
    RACI_LETTERS,
    AiInvolvement,
    RaciActivity,
    RaciAssignment,
    RaciMatrix,
    RaciRole,
)
from escalations.models.rules import Rule, RuleDrill, RuleFiring, RuleSet
from escalations.models.sla import (
    ClimbWhen,
    ClockKind,
    ClockState,
    EscalationLadder,
    LadderLevel,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    SweeperLease,
    Timer,
    TimerKind,
    TimerState,
)
from escalations.models.team import Agent, Team, TeamMembership
from escalations.models.ticket import Message, Ticket
from escalations.models.webhooks import SUBSCRIBABLE_EVENTS, WebhookDelivery, WebhookSubscription
from escalations.models.workspace import CustomFieldDefinition, CustomStatus, Workspace

__all__ = [
    "ACTIVE_STATUSES",
    "RACI_LETTERS",
    "SUBSCRIBABLE_EVENTS",
    "ActionPlanBlueprint",
    "ActorKind",
    "Agent",
    "AiInvolvement",
    "AiVerdict",
    "AppendOnlyError",
    "AssignmentFallback",
    "AssignmentStrategy",
    "AuthorKind",
    "BusinessCalendar",
    "Channel",
    "ClimbWhen",
    "ClockKind",
    "ClockState",
    "CommunicationPlan",
    "ConfigRevision",
    "ContactChannel",
    "CustomFieldDefinition",
    "CustomStatus",
    "Customer",
    "CustomerTier",
    "Decision",
    "Escalation",
    "EscalationKind",
    "EscalationLadder",
    "EscalationMatrix",
    "EscalationMatrixCell",
    "EscalationPolicy",
    "EscalationProcedure",
    "EventType",
    "FieldType",
    "Highlight",
    "IdempotencyKey",
    "IncidentActionPlan",
    "IncidentCommunication",
    "Integration",
    "IntegrationFlag",
    "LadderLevel",
    "MembershipRole",
    "Message",
    "Notification",
    "OperationalPeriod",
    "PlanContact",
    "PlanResponsibility",
    "PlanStatus",
    "PlanStep",
    "Priority",
    "PriorityMatrix",
    "ProcessKind",
    "ProcessStep",
    "QualityChecklist",
    "QualityFlag",
    "RaciActivity",
    "RaciAssignment",
    "RaciMatrix",
    "RaciRole",
    "Rule",
    "RuleDrill",
    "RuleFiring",
    "RuleSet",
    "Severity",
    "SignOffState",
    "SignedCaller",
    "SlaClock",
    "SlaPolicy",
    "SlaTarget",
    "StatusUpdate",
    "StepSignOff",
    "SweeperLease",
    "Team",
    "TeamMembership",
    "Ticket",
    "TicketEvent",
    "TicketStatus",
    "Tier",
    "Timer",
    "TimerKind",
    "TimerState",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkProcess",
    "Workspace",
]
