"""Priority from a workspace's impact and urgency matrix, when it has one."""

from escalations.core.config_cache import config_cached
from escalations.governance.models import PriorityMatrix
from escalations.tickets.models import Priority

_BY_NAME = {label.lower(): value for value, label in Priority.choices}


def matrix_priority(workspace_id: int, custom_fields: dict) -> tuple[int, str] | None:
    """(priority, why) for a ticket's custom fields, or None if the workspace has no matrix or
    the ticket lacks an impact or urgency the matrix knows."""
    matrix = config_cached(
        "priority_matrix",
        workspace_id,
        lambda: PriorityMatrix.objects.filter(workspace=workspace_id).first(),
    )
    if matrix is None:
        return None
    impact = (custom_fields or {}).get(matrix.impact_field)
    urgency = (custom_fields or {}).get(matrix.urgency_field)
    if impact not in matrix.impacts or urgency not in matrix.urgencies:
        return None
    name = matrix.priorities[matrix.impacts.index(impact)][matrix.urgencies.index(urgency)]
    return _BY_NAME[name], f"Impact {impact} and urgency {urgency} give {name} (priority matrix)."
