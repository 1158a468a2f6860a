"""Choosing the agent of a team for a ticket: the team's strategy, its cap and its fallback.

Strategies: round-robin, least open tickets, skills match (then least open tickets), or none
(the team's queue). Only available agents count when the team says so, and nobody gets more
active tickets than the cap (the team's, or else the agent's own capacity). When nobody is
free the team's fallback applies: the ticket waits in the team's queue and the lead is told,
or it goes on to the next tier's team.

Fair under concurrency: the candidate agents' rows are locked (in id order) before their loads
are counted, so two assignments at once cannot both take an agent's last free slot — the
second counts after the first has committed. The team row is locked too, for the round-robin
turn.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count

from escalations.core.actors import Actor
from escalations.core.config_cache import config_cached
from escalations.core.db.compiled import CompiledRead
from escalations.core.events import event_record
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    Agent,
    AssignmentFallback,
    AssignmentStrategy,
    MembershipRole,
    Team,
    TeamMembership,
    Ticket,
)
from escalations.tickets.services.notifications import notification_send
from escalations.tickets.services.tickets import ticket_update

MAX_HAND_ONS = 3  # L1 → L2 → L3 at most


@dataclass
class Route:
    """Where a ticket goes: the team that takes it, the agent (None: the team's queue), why."""

    team: Team
    agent: Agent | None
    reason: str
    passed_over: list[Team] = field(default_factory=list)  # teams with nobody free
    strategy: str = ""  # the team's strategy, or "chosen" when a person picked the agent

    def __post_init__(self):
        self.strategy = self.strategy or self.team.assignment_strategy


def assignment_route(*, team: Team, ticket: Ticket) -> Route:
    """Pick the agent by the team's strategy, following next-tier fallbacks; locks the rows it
    counted on until the caller's transaction ends."""
    passed_over: list[Team] = []
    current = team
    with transaction.atomic(savepoint=False):
        while True:
            agent, reason = _pick(current, ticket)
            if agent is not None or current.fallback != AssignmentFallback.NEXT_TIER:
                return Route(current, agent, reason, passed_over)
            above = _next_tier_team(current)
            if above is None or above in passed_over or len(passed_over) >= MAX_HAND_ONS:
                return Route(current, None, f"{reason} No team above to hand on to.", passed_over)
            passed_over.append(current)
            current = above


def _next_tier_team(team: Team) -> Team | None:
    if team.fallback_team_id:
        return team.fallback_team
    return (
        Team.objects.filter(workspace=team.workspace_id, tier__gt=team.tier)
        .order_by("tier", "-is_escalation_target", "name", "pk")
        .first()
    )


def _members(team_id, *, available: bool, locking: bool):
    agents = Agent.objects.filter(memberships__team=team_id).select_related("user").order_by("pk")
    if available:
        agents = agents.filter(is_available=True)
    if locking:
        of = ("self",) if connection.features.has_select_for_update_of else ()
        agents = agents.select_for_update(of=of)
    return agents


# A team's agents (all, or the available ones), locked where the database can; and the active
# tickets each agent of a team holds. Compiled once: every hand-over reads them.
_TEAM_AGENTS = {
    (available, locking): CompiledRead(
        lambda team_id, a=available, lock=locking: _members(team_id, available=a, locking=lock)
    )
    for available in (False, True)
    for locking in (False, True)
}
_TEAM_LOADS = CompiledRead(
    lambda team_id: (
        Ticket.objects.filter(assignee__memberships__team=team_id, status__in=ACTIVE_STATUSES)
        .values("assignee")
        .annotate(n=Count("id"))
        .values_list("assignee", "n")
        .order_by()
    )
)


def _needed_skills(ticket: Ticket) -> set[str]:
    """What a ticket asks of its agent: its tags, its topic and the AI's intent."""
    words = {str(tag).strip().lower() for tag in ticket.tags}
    for value in (ticket.topic, ticket.ai_intent):
        if value:
            words.add(value.strip().lower())
    return {word for word in words if word}


def _pick(team: Team, ticket: Ticket) -> tuple[Agent | None, str]:
    if team.assignment_strategy == AssignmentStrategy.MANUAL:
        return None, f"{team.name} assigns its tickets by hand."
    # The team's agents are locked (in id order) until the caller's transaction ends: two
    # assignments to the same agents take turns, and the second counts the first's ticket.
    locking = connection.features.has_select_for_update
    agents = _TEAM_AGENTS[(team.only_available, locking)](team.pk)
    if not agents:
        who = "available agents" if team.only_available else "agents"
        return None, f"{team.name} has no {who}."
    loads = dict(_TEAM_LOADS(team.pk))
    free = [a for a in agents if loads.get(a.pk, 0) < _cap(team, a)]
    if not free:
        return None, f"All {len(agents)} agents of {team.name} are at their cap."
    strategy = team.assignment_strategy
    if strategy == AssignmentStrategy.ROUND_ROBIN:
        agent = _next_in_turn(team, free)
        return agent, f"Round-robin: next in turn in {team.name}."
    if strategy == AssignmentStrategy.SKILLS:
        needed = _needed_skills(ticket)
        scores = {a.pk: len(needed & set(a.skills)) for a in free}
        best = max(scores.values())
        if best:
            matched = [a for a in free if scores[a.pk] == best]
            agent = _least_open(matched, loads)
            skills = ", ".join(sorted(needed & set(agent.skills)))
            return (
                agent,
                f"Skills match ({skills}), then fewest open tickets ({loads.get(agent.pk, 0)}).",
            )
        agent = _least_open(free, loads)
        wanted = ", ".join(sorted(needed)) or "none named"
        return agent, (
            f"Nobody free has the skills asked ({wanted}); fewest open tickets "
            f"({loads.get(agent.pk, 0)})."
        )
    agent = _least_open(free, loads)
    return agent, f"Fewest open tickets in {team.name} ({loads.get(agent.pk, 0)})."


def _cap(team: Team, agent: Agent) -> int:
    return team.max_open_per_agent if team.max_open_per_agent is not None else agent.capacity


def _least_open(agents: list[Agent], loads: dict[int, int]) -> Agent:
    return min(agents, key=lambda a: (loads.get(a.pk, 0), a.display_name, a.pk))


def _next_in_turn(team: Team, free: list[Agent]) -> Agent:
    """The first free agent after the last one served (by id, wrapping round)."""
    # Read now, under the agents' locks: the turn an assignment just took is seen.
    last = Team.objects.filter(pk=team.pk).values_list("round_robin_last", flat=True).first()
    last = last or 0
    agent = next((a for a in free if a.pk > last), free[0])
    Team.objects.filter(pk=team.pk).update(round_robin_last=agent)
    return agent


@ticket_service
def ticket_assign(*, ticket: Ticket, team: Team, actor: Actor, note: str = "") -> Route:
    """Route the ticket to the team and give it an agent by the team's strategy."""

    route = assignment_route(team=team, ticket=ticket)
    changes = {"team": route.team, "assignee": route.agent}
    if route.passed_over:
        changes["tier"] = route.team.tier
    ticket = ticket_update(ticket=ticket, actor=actor, changes=changes, reason=note)
    assignment_record(ticket=ticket, route=route, actor=actor, note=note)
    return route


def assignment_record(*, ticket: Ticket, route: Route, actor: Actor, note: str = "") -> None:
    """The audit event of a routing decision, and who is told: the agent, or the team's lead."""

    data = {
        "team": route.team.pk,
        "agent": route.agent.pk if route.agent else None,
        "strategy": route.strategy,
        "passed_over": [team.pk for team in route.passed_over],
    }
    hand_on = "".join(f"{team.name} had nobody free; " for team in route.passed_over)
    if route.agent is not None:
        event_record(
            ticket=ticket,
            event_type=EventType.ASSIGNED,
            actor=actor,
            to_value=route.agent.display_name,
            reason=hand_on + route.reason,
            data=data,
        )
        message = f"Ticket {ticket.reference} is yours ({route.team.name}): {ticket.subject}"
        notification_send(
            ticket=ticket,
            recipients=[route.agent.user],
            message=f"{message}\n\n{note}" if note else message,
            actor=actor,
            source="assignment",
        )
        return
    event_record(
        ticket=ticket,
        event_type=EventType.QUEUED,
        actor=actor,
        to_value=route.team.name,
        reason=hand_on + route.reason,
        data=data,
    )
    recipients = _leads(route.team)
    if recipients:
        notification_send(
            ticket=ticket,
            recipients=recipients,
            message=f"Ticket {ticket.reference} waits in {route.team.name}'s queue: {route.reason}",
            actor=actor,
            source="assignment",
        )


def _leads(team: Team) -> list:
    """The team's leads, or every member when it has none (their logins, kept with the
    configuration: shared, read-only)."""

    def read():
        memberships = list(
            TeamMembership.objects.filter(team=team.pk).select_related("agent__user")
        )
        leads = [m for m in memberships if m.role == MembershipRole.LEAD]
        return tuple(m.agent.user for m in (leads or memberships) if m.agent.user.is_active)

    return list(config_cached("team_leads", team.pk, read))
