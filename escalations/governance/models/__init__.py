"""Governance models, re-exported: import them from here."""

from escalations.governance.models.matrix import (
    EscalationMatrix,
    EscalationMatrixCell,
    Highlight,
    PriorityMatrix,
)
from escalations.governance.models.processes import (
    IntegrationFlag,
    ProcessKind,
    ProcessStep,
    SignOffState,
    StepSignOff,
    WorkProcess,
)
from escalations.governance.models.raci import (
    RACI_LETTERS,
    AiInvolvement,
    RaciActivity,
    RaciAssignment,
    RaciMatrix,
    RaciRole,
)

__all__ = [
    "RACI_LETTERS",
    "AiInvolvement",
    "EscalationMatrix",
    "EscalationMatrixCell",
    "Highlight",
    "IntegrationFlag",
    "PriorityMatrix",
    "ProcessKind",
    "ProcessStep",
    "RaciActivity",
    "RaciAssignment",
    "RaciMatrix",
    "RaciRole",
    "SignOffState",
    "StepSignOff",
    "WorkProcess",
]
