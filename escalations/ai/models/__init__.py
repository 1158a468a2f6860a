"""AI models, re-exported: import them from here."""

from escalations.ai.models.policies import AiVerdict, Decision, EscalationPolicy
from escalations.ai.models.quality import QualityChecklist, QualityFlag, Severity

__all__ = [
    "AiVerdict",
    "Decision",
    "EscalationPolicy",
    "QualityChecklist",
    "QualityFlag",
    "Severity",
]
