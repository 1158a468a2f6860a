"""What the AI hand-over listens to: customer messages (a customer who asks for a person gets
one), and the question whether a workspace's AI policy escalates tickets."""

from escalations.ai.models import EscalationPolicy
from escalations.ai.services.handoff import customer_asked_for_a_person
from escalations.core.hooks import CUSTOMER_WROTE, WORKSPACE_SYSTEM_MOVES
from escalations.core.signals import configuration_register
from escalations.tickets.workflow import SystemMove


def _system_moves(*, workspace_id: int) -> list[str]:
    policies = EscalationPolicy.objects.filter(workspace=workspace_id)
    return [SystemMove.ESCALATION] if policies.exists() else []


def register() -> None:
    configuration_register(
        models=(
            "escalations.EscalationPolicy",
            # The AI policy's versions: the hand-over records which version it followed.
            "escalations.HistoricalEscalationPolicy",
            "escalations.QualityChecklist",
        )
    )
    CUSTOMER_WROTE.listen(customer_asked_for_a_person, order=20, owner="ai")
    WORKSPACE_SYSTEM_MOVES.listen(_system_moves, order=20, owner="ai")
