"""Incidents models, re-exported: import them from here."""

from escalations.incidents.models.communications import (
    CommunicationPlan,
    ContactChannel,
    IncidentCommunication,
    PlanContact,
    PlanStep,
    StatusUpdate,
)
from escalations.incidents.models.plans import (
    ActionPlanBlueprint,
    IncidentActionPlan,
    OperationalPeriod,
    PlanResponsibility,
    PlanStatus,
)
from escalations.incidents.models.procedures import EscalationProcedure

__all__ = [
    "ActionPlanBlueprint",
    "CommunicationPlan",
    "ContactChannel",
    "EscalationProcedure",
    "IncidentActionPlan",
    "IncidentCommunication",
    "OperationalPeriod",
    "PlanContact",
    "PlanResponsibility",
    "PlanStatus",
    "PlanStep",
    "StatusUpdate",
]
