"""Demo data: a realistic support operation, built through the same services as real work.

Every ticket's history is replayed at moments in the past (`clock.frozen_at`), so the audit
trail, the first-response and resolution times and the escalations are as real as live ones;
the deadlines that came due in that past then fire at their due times, not at the replay's.
"""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from escalations.ai.models import EscalationPolicy
from escalations.core import clock
from escalations.core.actors import Actor
from escalations.demo.ai import demo_ai_history
from escalations.demo.governance import demo_governance_seed
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.sla.models import (
    BusinessCalendar,
    EscalationLadder,
    LadderLevel,
    SlaPolicy,
    SlaTarget,
)
from escalations.sla.services.timers import timers_fire_until
from escalations.tickets.models import (
    Agent,
    Customer,
    CustomFieldDefinition,
    CustomStatus,
    Priority,
    Team,
    Ticket,
    TicketStatus,
    Workspace,
)
from escalations.tickets.models.workspace import default_human_request_phrases
from escalations.tickets.roles import MANAGER
from escalations.tickets.services.directory import agent_create, directory_save
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.messages import message_add
from escalations.tickets.services.tickets import ticket_create, ticket_update
from escalations.tickets.services.transitions import ticket_step

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"

# How the demo's tickets spread over the lifecycle (about 50 in all).
END_STATES = (
    [TicketStatus.NEW] * 7
    + [TicketStatus.OPEN] * 8
    + [TicketStatus.PENDING] * 6
    + [TicketStatus.ON_HOLD] * 5
    + [TicketStatus.ESCALATED] * 10
    + [TicketStatus.RESOLVED] * 8
    + [TicketStatus.CLOSED] * 6
)
PRIORITIES = {p.name.lower(): p.value for p in Priority}


@dataclass
class DemoResult:
    workspace: Workspace
    created: bool
    tickets: int


class _Story:
    """Replays one ticket's life, moving the clock forward a few minutes at each step."""

    def __init__(self, *, rng: random.Random, start: datetime, end: datetime):
        self.rng = rng
        self.at = start
        self.end = end

    def tick(self, low: int = 2, high: int = 90) -> datetime:
        step = timedelta(minutes=self.rng.randint(low, high))
        self.at = min(self.at + step, self.end)
        return self.at


MANAGER_USERNAME = "manager"


def demo_logins() -> list[str]:
    """The demo's logins: the manager first, then every agent."""
    return [MANAGER_USERNAME, *(spec["username"] for spec in _load()["agents"])]


@transaction.atomic
def demo_accounts_reset(*, password: str) -> list[str]:
    """Give the demo manager and every demo agent the demo password; return their logins."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    manager, _ = User.objects.get_or_create(
        username=MANAGER_USERNAME,
        defaults={"first_name": "Morgan", "last_name": "Lee", "email": "manager@example.com"},
    )
    if not manager.is_staff:
        manager.is_staff = True
        manager.save(update_fields=["is_staff"])
    manager.groups.set(Group.objects.filter(name=MANAGER))
    logins = demo_logins()
    # One hash for all: hashing is deliberately slow, and these are demo accounts.
    User.objects.filter(username__in=logins).update(password=make_password(password))
    return sorted(
        User.objects.filter(username__in=logins).values_list("username", flat=True),
        key=logins.index,
    )


# More demo workspaces, made by the apps that know how (the template catalog registers one in
# its AppConfig.ready: `escalations` never imports it). Each is called with the moment the
# demo is played at, after the support workspace exists, and returns its workspace.
_extras: list = []


def demo_extra_register(extra) -> None:
    if extra not in _extras:
        _extras.append(extra)


@transaction.atomic
def demo_seed(*, now: datetime | None = None, seed: int = 7) -> DemoResult:
    """Create the demo workspace, people, about 50 tickets and the plans, matrices and
    processes they run under, unless they already exist."""
    data = _load()
    existing = Workspace.objects.filter(slug=data["workspace"]["slug"]).first()
    if existing is not None:
        return DemoResult(existing, created=False, tickets=existing.tickets.count())
    now = now or clock.now()
    rng = random.Random(seed)
    # The played history is scripted, hand-overs included: the phrases that make a customer's
    # message escalate at once apply from the end of it.
    workspace = directory_save(instance=Workspace(**data["workspace"], human_request_phrases=[]))
    statuses = {}
    for spec in data["custom_statuses"]:
        fields = {key: value for key, value in spec.items() if key != "next"}
        statuses[spec["slug"]] = directory_save(
            instance=CustomStatus(workspace=workspace, **fields)
        )
    for spec in data["custom_statuses"]:
        statuses[spec["slug"]].next_statuses.set([statuses[slug] for slug in spec["next"]])
    for spec in data.get("calendars", []):
        directory_save(instance=BusinessCalendar(workspace=workspace, **spec))
    for spec in data["custom_fields"]:
        directory_save(instance=CustomFieldDefinition(workspace=workspace, **spec))
    teams = {
        spec["slug"]: directory_save(instance=Team(workspace=workspace, **spec))
        for spec in data["teams"]
    }
    agents = {}
    for spec in data["agents"]:
        agents[spec["username"]] = agent_create(
            username=spec["username"],
            display_name=spec["display_name"],
            email=spec["email"],
            skills=spec["skills"],
            capacity=spec["capacity"],
            is_available=spec["is_available"],
            teams=[teams[slug] for slug in spec["teams"]],
            lead_of=[teams[slug] for slug in spec["lead_of"]],
        )
    _service_levels(workspace, data, teams)
    for spec in data.get("escalation_policies", []):
        spec = {**spec, "to_team": teams.get(spec.get("to_team"))}
        directory_save(instance=EscalationPolicy(workspace=workspace, **spec))
    customers = [directory_save(instance=Customer(**_customer(spec))) for spec in data["customers"]]
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live rules", is_live=True))
    for spec in data.get("rules", []):
        rule_save(rule=Rule(rule_set=live, **spec))
    scenarios = data["scenarios"]
    escalating = [s for s in scenarios if s.get("escalation")]
    for index, end_state in enumerate(END_STATES):
        pool = escalating if end_state == TicketStatus.ESCALATED else scenarios
        scenario = pool[index % len(pool)]
        customer = customers[(index * 7) % len(customers)]
        age = timedelta(hours=rng.randint(2, 24 * 14), minutes=rng.randint(0, 59))
        story = _Story(rng=rng, start=now - age, end=now - timedelta(minutes=1))
        _play(scenario, end_state, customer, teams, agents, story)

    played = demo_ai_history(
        workspace=workspace, teams=teams, agents=agents, customers=customers, now=now
    )
    workspace.human_request_phrases = default_human_request_phrases()
    directory_save(instance=workspace)

    demo_governance_seed(
        workspace=workspace, spec=data["governance"], teams=teams, agents=agents, now=now
    )
    # What came due during the played history fires as a sweeper running all along would
    # have: each deadline at its due time, in order (a ladder level that fires can make the
    # next one due), so that nothing is left overdue and nothing is stamped at this moment.
    timers_fire_until(until=clock.now())
    for extra in _extras:
        extra(now=now)
    return DemoResult(workspace, created=True, tickets=len(END_STATES) + played)


def _service_levels(workspace, data: dict, teams: dict) -> None:
    """The demo's ladders and SLA policies with their targets per priority."""
    ladders = {}
    for spec in data.get("ladders", []):
        spec = dict(spec)
        levels = spec.pop("levels")
        ladder = directory_save(instance=EscalationLadder(workspace=workspace, **spec))
        for level in levels:
            level = {**level, "to_team": teams.get(level.get("to_team"))}
            directory_save(instance=LadderLevel(ladder=ladder, **level))
        ladders[ladder.name] = ladder
    priorities = {p.name.lower(): p.value for p in Priority}
    for spec in data.get("sla_policies", []):
        spec = dict(spec)
        targets = spec.pop("targets")
        spec["ladder"] = ladders.get(spec.get("ladder"))
        policy = directory_save(instance=SlaPolicy(workspace=workspace, **spec))
        for name, (first, following, resolution) in targets.items():
            directory_save(
                instance=SlaTarget(
                    policy=policy,
                    priority=priorities[name],
                    first_response_minutes=first,
                    next_response_minutes=following,
                    resolution_minutes=resolution,
                )
            )


def _load() -> dict:
    return json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))


def _customer(spec: dict) -> dict:
    return {key: value for key, value in spec.items() if key != "key"}


def _play(scenario, end_state, customer, teams, agents, story: _Story) -> Ticket:
    l1 = teams["general"]
    l1_agents = [a for a in agents.values() if a.teams.filter(pk=l1.pk).exists()]
    agent: Agent = story.rng.choice(l1_agents)
    agent_actor = Actor.for_user(agent.user)
    first = scenario["opening"][0]
    with clock.frozen_at(story.at):
        ticket = ticket_create(
            workspace=l1.workspace,
            subject=scenario["subject"],
            customer=customer,
            actor=Actor.system(f"{scenario['channel']} intake"),
            channel=scenario["channel"],
            body=_fill(first["body"], agent, customer),
            store=scenario["store"],
            topic=scenario["topic"],
            team=l1,
            priority=PRIORITIES[scenario["priority"]],
            tags=scenario["tags"],
            custom_fields=scenario["custom_fields"],
            ai_confidence=scenario["ai_confidence"],
            ai_intent=scenario["ai_intent"],
            ai_sentiment=scenario["ai_sentiment"],
        )
    for message in scenario["opening"][1:]:
        _say(ticket, message, agent, customer, story, low=1, high=10)
    if end_state == TicketStatus.NEW:
        return ticket
    with clock.frozen_at(story.tick(5, 120)):
        ticket_update(ticket=ticket, actor=agent_actor, changes={"assignee": agent})
        ticket_step(ticket=ticket, transition="start_work", actor=agent_actor)
    follow_up = scenario["follow_up"]
    _say(ticket, follow_up[0], agent, customer, story)
    escalation = scenario.get("escalation")
    if end_state == TicketStatus.PENDING:
        _step(ticket, "wait_on_customer", agent_actor, story, "Asked the customer for details.")
        return ticket
    if end_state == TicketStatus.ON_HOLD:
        _step(ticket, "put_on_hold", agent_actor, story, "Waiting on the warehouse team.")
        return ticket
    for message in follow_up[1:]:
        _say(ticket, message, agent, customer, story)
    if end_state == TicketStatus.OPEN:
        return ticket
    if escalation and (end_state == TicketStatus.ESCALATED or story.rng.random() < 0.5):
        receiver = _escalate(ticket, escalation, teams, agent_actor, story)
        if end_state == TicketStatus.ESCALATED:
            if story.rng.random() < 0.6:
                reply = {
                    "author": "agent",
                    "body": "Hi {customer}, I have taken this over and am looking into it now.",
                    "internal": False,
                }
                _say(ticket, reply, receiver, customer, story)
            return ticket
        agent, agent_actor = receiver, Actor.for_user(receiver.user)
    for message in scenario["resolution"]:
        _say(ticket, message, agent, customer, story)
    _step(ticket, "resolve", agent_actor, story, "Customer confirmed the fix.")
    if end_state == TicketStatus.CLOSED:
        _step(ticket, "close", Actor.system("auto-close"), story, "Resolved for 3 days.")
    return ticket


def _escalate(ticket, spec, teams, actor, story: _Story) -> Agent:
    team = teams[spec["to_team"]]
    members = list(team.agents.order_by("display_name"))
    receiver = story.rng.choice(members)
    kind_actor = actor if spec["kind"] == "agent_initiated" else Actor.system("escalation policy")
    with clock.frozen_at(story.tick(3, 45)):
        escalation_create(
            ticket=ticket,
            kind=spec["kind"],
            trigger=spec["trigger"],
            to_team=team,
            to_agent=receiver,
            reasons=spec["reasons"],
            summary=spec["summary"],
            ai_attempts=spec["ai_attempts"],
            actor=kind_actor,
        )
    return receiver


def _step(ticket, transition: str, actor: Actor, story: _Story, reason: str) -> None:
    with clock.frozen_at(story.tick()):
        ticket_step(ticket=ticket, transition=transition, actor=actor, reason=reason)


def _say(ticket, message, agent: Agent, customer, story: _Story, low=2, high=90) -> None:
    author = message["author"]
    if author == "agent":
        actor = Actor.for_user(agent.user)
    else:
        actor = Actor.system(f"{author} via {ticket.get_channel_display().lower()}")
    with clock.frozen_at(story.tick(low, high)):
        message_add(
            ticket=ticket,
            author_kind=author,
            body=_fill(message["body"], agent, customer),
            is_internal=message.get("internal", False),
            author_user=agent.user if author == "agent" else None,
            actor=actor,
        )


def _fill(body: str, agent: Agent, customer: Customer) -> str:
    return body.format(agent=agent.display_name.split()[0], customer=customer.name.split()[0])
