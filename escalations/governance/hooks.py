"""What governance listens to: escalations (RACI's Consulted and Informed are told, the
escalation matrix's contacts are notified), tickets created or edited (the priority matrix
sets the priority), and moves (work processes gate statuses behind sign-offs and ask for
sign-offs where they open)."""

from escalations.core.hooks import (
    TICKET_ENTERED_STATUS,
    TICKET_ESCALATED,
    TICKET_MOVE_GATES,
    TICKET_MOVING,
    TICKET_PRIORITY,
)
from escalations.core.signals import configuration_register
from escalations.governance.selectors import matrix_priority, missing_sign_offs
from escalations.governance.services.matrix import matrix_tell_escalation
from escalations.governance.services.processes import process_gate, process_status_entered
from escalations.governance.services.raci import raci_tell_escalation


def _priority(*, workspace_id: int, custom_fields: dict):
    return matrix_priority(workspace_id, custom_fields)


def _gate(*, ticket, target) -> None:
    process_gate(ticket, target)


def _waits(*, ticket, target) -> list[str]:
    return missing_sign_offs(ticket, target)


def _entered(*, ticket, target, previous_row_id, step, actor) -> None:
    if target.id is not None and target.id != previous_row_id:
        process_status_entered(ticket, target, actor)


def register() -> None:
    configuration_register(
        models=(
            "escalations.RaciMatrix",
            "escalations.RaciRole",
            "escalations.RaciActivity",
            "escalations.RaciAssignment",
            "escalations.EscalationMatrix",
            "escalations.EscalationMatrixCell",
            "escalations.PriorityMatrix",
            "escalations.WorkProcess",
            "escalations.ProcessStep",
        ),
        links=(
            "escalations.RaciRole.people",
            "escalations.WorkProcess.gated_statuses",
            "escalations.WorkProcess.reopen_statuses",
        ),
    )
    TICKET_ESCALATED.listen(raci_tell_escalation, order=10, owner="governance")
    TICKET_ESCALATED.listen(matrix_tell_escalation, order=20, owner="governance")
    TICKET_PRIORITY.listen(_priority, order=10, owner="governance")
    TICKET_MOVING.listen(_gate, order=10, owner="governance")
    TICKET_MOVE_GATES.listen(_waits, order=10, owner="governance")
    TICKET_ENTERED_STATUS.listen(_entered, order=10, owner="governance")
