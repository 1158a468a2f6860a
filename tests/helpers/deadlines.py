"""Seeding many open tickets with pending deadlines, some of them due (benchmarks and tests).

Bulk inserts: this measures the sweeper, not ticket creation. Each ticket gets a running
first-response clock and its breach deadline: `due` of them in the past, the rest in the
future, so the pending index holds one row per open ticket.
"""

from datetime import timedelta

from django.utils import timezone

CHUNK = 5000
CONSEQUENCES = ("none", "rule", "escalate")


def seed_deadlines(
    *,
    open_tickets: int,
    due: int,
    spread_seconds: float = 0,
    all_at_seconds: float | None = None,
    slug: str = "bench",
    with_policy: bool = False,
) -> list[int]:
    """Create the tickets, clocks and timers; returns the ids of the due timers.

    The `due` deadlines are in the past; with `spread_seconds`, spread evenly over that many
    seconds from now; with `all_at_seconds`, all at that one moment from now (a burst). With
    `with_policy`, the tickets and clocks carry the workspace's default SLA policy (a first
    response within an hour at every priority, as the clocks count), so a resync keeps them.
    """
    from escalations.sla.models import ClockKind, ClockState, SlaClock, Timer, TimerKind
    from escalations.tickets.models import Customer, Ticket, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    customer, _ = Customer.objects.get_or_create(
        email=f"{slug}@example.com", defaults={"name": "Bench customer"}
    )
    policy = _default_policy(workspace) if with_policy else None
    now = timezone.now()
    due_ids = []
    for start in range(0, open_tickets, CHUNK):
        size = min(CHUNK, open_tickets - start)
        tickets = Ticket.objects.bulk_create(
            Ticket(
                workspace=workspace,
                customer=customer,
                subject=f"Ticket {start + n}",
                sla_policy=policy,
            )
            for n in range(size)
        )
        clocks = SlaClock.objects.bulk_create(
            SlaClock(
                ticket=ticket,
                kind=ClockKind.FIRST_RESPONSE,
                policy=policy,
                state=ClockState.RUNNING,
                target_seconds=3600,
                started_at=now,
                running_since=now,
            )
            for ticket in tickets
        )
        timers = []
        for n, (ticket, clock) in enumerate(zip(tickets, clocks, strict=True), start=start):
            if n >= due:
                moment = now + timedelta(days=1)
            elif all_at_seconds is not None:
                moment = now + timedelta(seconds=all_at_seconds)
            elif spread_seconds:
                moment = now + timedelta(seconds=spread_seconds * (n + 1) / due)
            else:
                moment = now - timedelta(seconds=1 + n % 60)
            timers.append(
                Timer(
                    ticket=ticket,
                    kind=TimerKind.SLA_BREACH,
                    key=f"clock:{clock.pk}",
                    clock=clock,
                    due_at=moment,
                    next_try_at=moment,
                )
            )
        created = Timer.objects.bulk_create(timers)
        due_ids += [t.pk for t in created[: max(0, due - start)]]
    return due_ids


def _default_policy(workspace):
    from escalations.sla.models import SlaPolicy, SlaTarget
    from escalations.tickets.models import Priority

    policy = SlaPolicy.objects.create(
        workspace=workspace, name="Bench", is_default=True, business_hours=False
    )
    SlaTarget.objects.bulk_create(
        SlaTarget(policy=policy, priority=priority, first_response_minutes=60)
        for priority in Priority.values
    )
    return policy


def breach_consequences(kind: str, slug: str = "bench") -> None:
    """What a breach sets off (the benchmarks' --consequences): `none`, nothing; `rule`, a live
    rule on SLA breach raises the priority and adds a tag; `escalate`, it also escalates to a
    second-tier team."""
    if kind == "none":
        return
    from escalations.rules.models import Rule, RuleSet
    from escalations.rules.services.rule_config import rule_save, rule_set_save
    from escalations.tickets.models import Team, Tier, Workspace

    workspace = Workspace.objects.get(slug=slug)
    actions = [{"type": "raise_priority"}, {"type": "add_tags", "value": "breached"}]
    if kind == "escalate":
        Team.objects.create(
            workspace=workspace,
            name="Tier 2",
            slug="tier-2",
            tier=Tier.L2,
            is_escalation_target=True,
        )
        actions.append({"type": "escalate", "value": "tier-2"})
    live = rule_set_save(rule_set=RuleSet(workspace=workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Breached: raise and tag" + (", escalate" if kind == "escalate" else ""),
            triggers=["sla_breached"],
            condition={"field": "subject", "op": "contains_any", "value": "ticket"},
            actions=actions,
        )
    )
