"""Reading SLA configuration for a ticket: which policy applies, on which calendar its clocks
count, whether they stand still now, and how much a clock has counted."""

import math
from dataclasses import dataclass
from datetime import timedelta

from escalations.core import clock
from escalations.core.config_cache import config_cached
from escalations.sla.calendar import BusinessCalendar
from escalations.sla.calendars import calendar_for, workspace_calendar
from escalations.sla.clocks import ClockReading, elapsed_at
from escalations.sla.models import SlaClock, SlaPolicy
from escalations.tickets.kept import workspace_kept
from escalations.tickets.models import ACTIVE_STATUSES, Ticket


def policy_matches(policy: SlaPolicy, ticket: Ticket) -> bool:
    """Every criterion the policy names holds (an empty list matches anything). A policy that
    names none takes a ticket only when it says it applies to every ticket."""
    if not policy.has_conditions:
        return policy.applies_to_all
    customer = ticket.customer
    checks = (
        (policy.match_topics, ticket.topic),
        (policy.match_channels, ticket.channel),
        (policy.match_stores, ticket.store),
        (policy.match_customer_tiers, customer.tier),
        (policy.match_segments, customer.segment),
    )
    return all(
        not allowed or (value or "").casefold() in {str(a).casefold() for a in allowed}
        for allowed, value in checks
    )


def active_policies(workspace_id: int) -> list[SlaPolicy]:
    """The workspace's active policies, in order, with what clocks read of them (shared:
    read-only)."""
    return config_cached(
        "sla_policies",
        workspace_id,
        lambda: list(
            SlaPolicy.objects.filter(workspace=workspace_id, is_active=True)
            .select_related("calendar", "ladder")
            .prefetch_related("pause_custom_statuses", "targets")
            .order_by("position", "id")
        ),
    )


def pinned_policy(ticket: Ticket) -> SlaPolicy | None:
    """The policy put on the ticket by hand (kept, unless it is no longer active)."""
    if ticket.sla_policy_id is None:
        return None
    kept = next(
        (p for p in active_policies(ticket.workspace_id) if p.pk == ticket.sla_policy_id), None
    )
    return kept or ticket.sla_policy


def policy_target(policy: SlaPolicy, priority: int):
    """The policy's targets for a priority (None when it sets none)."""
    cached = getattr(policy, "_prefetched_objects_cache", {}).get("targets")
    if cached is not None:
        return next((t for t in cached if t.priority == priority), None)
    return policy.targets.filter(priority=priority).first()


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy (by position) that matches, else the workspace's default."""
    return policy_choose(active_policies(ticket.workspace_id), ticket)


def policy_choose(policies: list[SlaPolicy], ticket: Ticket) -> SlaPolicy | None:
    for policy in policies:
        if not policy.is_default and policy_matches(policy, ticket):
            return policy
    return next((p for p in policies if p.is_default), None)


@dataclass(frozen=True)
class PolicyReach:
    tickets: int  # the working tickets the policy would apply to
    from_others: int  # of those, the ones another policy applies to now


def policy_reach(policy: SlaPolicy) -> PolicyReach:
    """Which working tickets a policy, as edited and perhaps not saved yet, would apply to:
    the tickets it would match before every other active policy, and those pinned to it."""
    others = [p for p in active_policies(policy.workspace_id) if p.pk != policy.pk]
    policies = sorted(
        [*others, policy] if policy.is_active else others,
        key=lambda p: (p.position, p.pk or math.inf),
    )
    tickets = from_others = 0
    working = Ticket.objects.filter(
        workspace=policy.workspace_id, status__in=ACTIVE_STATUSES
    ).select_related("customer")
    for ticket in working.iterator():
        if ticket.sla_policy_pinned:
            tickets += policy.pk is not None and ticket.sla_policy_id == policy.pk
            continue
        if policy_choose(policies, ticket) is policy:
            tickets += 1
            from_others += ticket.sla_policy_id not in (None, policy.pk)
    return PolicyReach(tickets=tickets, from_others=from_others)


def policy_calendar(policy: SlaPolicy, ticket: Ticket) -> BusinessCalendar:
    if not policy.business_hours:
        time_zone = workspace_kept(ticket.workspace_id).time_zone
        return BusinessCalendar.always_open(time_zone or "UTC")
    if policy.calendar_id:
        return calendar_for(policy.calendar, around=clock.now().date())
    return workspace_calendar_today(ticket)


def workspace_calendar_today(ticket: Ticket) -> BusinessCalendar:
    """The calendar of the ticket's workspace (the workspace row is read only when the
    calendar is not kept already)."""
    today = clock.now().date()
    return config_cached(
        "workspace_calendar",
        (ticket.workspace_id, today),
        lambda: workspace_calendar(workspace_kept(ticket.workspace_id), around=today),
    )


def clock_calendar(clock_row: SlaClock) -> BusinessCalendar:
    """The calendar a stored clock counts on (for screens and reports)."""
    if clock_row.policy is None:
        return BusinessCalendar.always_open()
    return policy_calendar(clock_row.policy, clock_row.ticket)


def clock_elapsed(clock_row: SlaClock, calendar: BusinessCalendar, now=None) -> timedelta:
    now = now or clock.now()
    end = clock_row.stopped_at or now
    reading = ClockReading(timedelta(seconds=clock_row.elapsed_seconds), clock_row.running_since)
    return elapsed_at(calendar, reading, end)


def pause_reason(ticket: Ticket, policy: SlaPolicy) -> str | None:
    """Why the policy's clocks stand still for this ticket now, or None if they run."""
    if ticket.status in (policy.pause_statuses or []):
        return ticket.get_status_display()
    if ticket.custom_status_id and any(
        s.pk == ticket.custom_status_id for s in policy.pause_custom_statuses.all()
    ):
        return next(
            s.name for s in policy.pause_custom_statuses.all() if s.pk == ticket.custom_status_id
        )
    return None
