"""Reads for governance: the request types the matrices know, the work processes of a
workspace and the sign-offs a move still needs, the escalation and priority matrices, and
what the RACI tables give a person or an escalation level."""

from dataclasses import dataclass

from django.utils.translation import gettext

from escalations.core.config_cache import config_cached
from escalations.governance.models import (
    RACI_LETTERS,
    EscalationMatrix,
    PriorityMatrix,
    RaciAssignment,
    RaciRole,
    SignOffState,
    StepSignOff,
    WorkProcess,
)
from escalations.governance.models.matrix import PRIORITY_SOURCE
from escalations.governance.models.processes import request_type
from escalations.sla.models import SlaPolicy
from escalations.tickets.models import (
    CustomStatus,
    Escalation,
    Priority,
    TeamMembership,
    Ticket,
)
from escalations.tickets.workflow import Status


def known_request_types() -> tuple[str, ...]:
    """The request types (ticket topics) the configuration names: SLA policies' topics and work
    processes' request types; kept with the configuration."""

    def read():
        found = set()
        for topics in SlaPolicy.objects.values_list("match_topics", flat=True):
            found.update(t for t in topics or [] if isinstance(t, str))
        for topics in WorkProcess.objects.values_list("request_types", flat=True):
            found.update(t for t in topics or [] if isinstance(t, str))
        return tuple(sorted(found))

    return config_cached("request_types", None, read)


@dataclass(frozen=True)
class Step:
    id: int
    name: str
    team_id: int
    team_slug: str
    team_name: str
    request_types: tuple[str, ...]


@dataclass(frozen=True)
class Process:
    id: int
    title: str
    request_types: tuple[str, ...]
    open_status_id: int | None
    gated_ids: frozenset[int]
    reopen_ids: frozenset[int]
    type_field: str
    sign_offs: tuple[Step, ...]  # the steps that need one, in order

    def steps_for(self, ticket: Ticket) -> list[Step]:
        kind = request_type(ticket, self.type_field)
        if self.request_types and kind not in self.request_types:
            return []
        return [s for s in self.sign_offs if not s.request_types or kind in s.request_types]


def processes_of(workspace_id: int) -> tuple[Process, ...]:
    """A workspace's processes, kept with the configuration (read on every status move)."""

    def read():
        found = []
        for process in (
            WorkProcess.objects.filter(workspace=workspace_id)
            .prefetch_related("gated_statuses", "reopen_statuses", "steps__owner_team")
            .order_by("id")
        ):
            found.append(
                Process(
                    id=process.pk,
                    title=process.title,
                    request_types=tuple(process.request_types),
                    open_status_id=process.open_status_id,
                    gated_ids=frozenset(s.pk for s in process.gated_statuses.all()),
                    reopen_ids=frozenset(s.pk for s in process.reopen_statuses.all()),
                    type_field=process.type_field,
                    sign_offs=tuple(
                        Step(
                            id=step.pk,
                            name=step.name,
                            team_id=step.owner_team_id,
                            team_slug=step.owner_team.slug,
                            team_name=step.owner_team.name,
                            request_types=tuple(step.request_types),
                        )
                        for step in process.steps.all()
                        if step.sign_off
                    ),
                )
            )
        return tuple(found)

    return config_cached("work_processes", workspace_id, read)


def gated_status_slugs(workspace_id: int) -> frozenset[str]:
    """The statuses a workspace's processes let a ticket enter only with sign-offs."""
    ids = {pk for process in processes_of(workspace_id) for pk in process.gated_ids}
    return frozenset(CustomStatus.objects.filter(pk__in=ids).values_list("slug", flat=True))


def gate_waits(ticket: Ticket, status: Status) -> list[tuple[Process, list[Step], list[Step]]]:
    """For each process gating `status`: the steps the ticket needs and those still missing."""
    found = []
    for process in processes_of(ticket.workspace_id):
        if status.id is None or status.id not in process.gated_ids:
            continue
        steps = process.steps_for(ticket)
        if not steps:
            continue
        given = set(
            StepSignOff.objects.filter(
                ticket=ticket, step__in=[s.id for s in steps], state=SignOffState.APPROVED
            ).values_list("step_id", flat=True)
        )
        found.append((process, steps, [s for s in steps if s.id not in given]))
    return found


def missing_sign_offs(ticket: Ticket, status: Status) -> list[str]:
    """The sign-offs the ticket still needs before it may enter `status`, as "step (by team)"."""
    return [
        gettext("{step} (by {team})").format(step=s.name, team=s.team_name)
        for _process, _steps, missing in gate_waits(ticket, status)
        for s in missing
    ]


def may_sign(user, sign_off: StepSignOff) -> bool:
    """Members of the step's owner team sign; superusers may stand in."""
    if user is None or not user.is_active:
        return False
    return (
        user.is_superuser
        or TeamMembership.objects.filter(
            team=sign_off.step.owner_team_id, agent__user=user
        ).exists()
    )


# The most severe first, as a matrix lists its severities.
_PRIORITIES = (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)


def ticket_severity(matrix: EscalationMatrix, ticket: Ticket) -> str | None:
    """The ticket's severity in the matrix's terms, or None if it has none there."""
    if matrix.severity_source == PRIORITY_SOURCE:
        rank = _PRIORITIES.index(ticket.priority) if ticket.priority in _PRIORITIES else None
        severities = matrix.severities
        return severities[rank] if rank is not None and rank < len(severities) else None
    value = (ticket.custom_fields or {}).get(matrix.severity_source)
    return value if value in matrix.severities else None


def _matrices(workspace_id: int) -> tuple:
    return config_cached(
        "escalation_matrices",
        workspace_id,
        lambda: tuple(
            (matrix, tuple(matrix.cells.all()))
            for matrix in EscalationMatrix.objects.filter(workspace=workspace_id)
        ),
    )


def cells_reached(escalation: Escalation) -> list:
    """The cells an escalation reaches: those of the receiving team for the ticket's severity,
    or, where a level names no team, the level of the same rank as the receiving tier."""
    ticket = escalation.ticket
    reached = []
    for matrix, cells in _matrices(ticket.workspace_id):
        severity = ticket_severity(matrix, ticket)
        if severity is None:
            continue
        row = [c for c in cells if c.severity == severity]
        by_team = [c for c in row if c.team_id and c.team_id == escalation.to_team_id]
        if by_team:
            reached += by_team
            continue
        rank = escalation.to_tier - 1
        if 0 <= rank < len(matrix.levels):
            level = matrix.levels[rank]
            reached += [c for c in row if c.level == level and not c.team_id]
    return reached


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


@dataclass(frozen=True)
class Duty:
    matrix: str
    activity: str
    escalation_level: int | None
    letters: str
    roles: tuple[str, ...]


def raci_duties_of(agent) -> list[Duty]:
    """What a person is Responsible, Accountable, Consulted or Informed for: through the roles
    naming them and the roles their teams fill."""
    team_ids = TeamMembership.objects.filter(agent=agent).values_list("team_id", flat=True)
    roles = RaciRole.objects.filter(people=agent) | RaciRole.objects.filter(team__in=team_ids)
    cells = (
        RaciAssignment.objects.filter(role__in=roles.distinct())
        .select_related("activity__matrix", "role")
        .order_by("activity__matrix__name", "activity__position", "activity__name")
    )
    duties: dict[int, dict] = {}
    for cell in cells:
        entry = duties.setdefault(
            cell.activity_id, {"activity": cell.activity, "letters": set(), "roles": []}
        )
        entry["letters"].update(cell.letters)
        entry["roles"].append(cell.role.name)
    return [
        Duty(
            matrix=entry["activity"].matrix.name,
            activity=entry["activity"].name,
            escalation_level=entry["activity"].escalation_level,
            letters="".join(c for c in RACI_LETTERS if c in entry["letters"]),
            roles=tuple(entry["roles"]),
        )
        for entry in duties.values()
    ]


def escalation_contacts(workspace_id: int, level: int) -> tuple:
    """(user, activity, letters) for the Consulted and Informed of every activity bound to an
    escalation level, kept with the configuration."""

    def read():
        found = []
        cells = RaciAssignment.objects.filter(
            activity__matrix__workspace=workspace_id, activity__escalation_level=level
        ).select_related("activity", "role")
        for cell in cells:
            told = "".join(c for c in cell.letters if c in "CI")
            if not told:
                continue
            people = list(cell.role.people.select_related("user"))
            if cell.role.team_id:
                people += [
                    m.agent
                    for m in TeamMembership.objects.filter(team=cell.role.team_id).select_related(
                        "agent__user"
                    )
                ]
            found += [(agent.user, cell.activity.name, told) for agent in people]
        return tuple(found)

    return config_cached("raci_escalation", (workspace_id, level), read)
