"""The escalation figures, computed in the database: counts, averages and percentiles are SQL
aggregations over indexed columns, grouped where a chart needs groups; nothing loops over
tickets in Python. Every figure takes the same filter: a period, and optionally a workspace
and a team (the team an escalation went to)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from escalations.reports.percentiles import Seconds, percentiles, summary_by
from escalations.sla.models import SlaClock, SlaPolicy
from escalations.tickets.models import Escalation, EscalationKind, Team, Ticket, Tier

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included, in the server's time zone."""

    start: date
    end: date
    workspace_id: int | None = None
    team_id: int | None = None

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + DAY, time.min))

    @property
    def days(self) -> list[date]:
        return [self.start + DAY * n for n in range((self.end - self.start).days + 1)]

    def shifted(self, start: date, end: date) -> "Period":
        return Period(start, end, self.workspace_id, self.team_id)


def escalations_in(period: Period):
    rows = Escalation.objects.filter(triggered_at__gte=period.since, triggered_at__lt=period.until)
    if period.workspace_id:
        rows = rows.filter(ticket__workspace=period.workspace_id)
    if period.team_id:
        rows = rows.filter(to_team=period.team_id)
    return rows


def as_seconds(value) -> float | None:
    return None if value is None else float(value)


def names_by_id(model, ids) -> dict:
    """Names by id, for groups counted by a team's or a policy's id (the counting reads none of
    their rows)."""
    return dict(model.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def volume(period: Period) -> dict:
    """Escalations per day by kind, and in the period by task category, team and tier: one
    grouped query; the groups (not the escalations) are summed here."""
    groups = list(
        escalations_in(period)
        .annotate(day=TruncDate("triggered_at"))
        .values("day", "kind", "category", "to_team", "to_tier")
        .annotate(n=Count("*"))
        .order_by()
    )
    names = names_by_id(Team, {row["to_team"] for row in groups})
    for row in groups:
        row["team"] = names.get(row["to_team"])
    kinds = {kind: str(label) for kind, label in EscalationKind.choices}  # JSON: no lazy text
    tiers = dict(Tier.choices)
    per_day: dict = {}
    for row in groups:
        per_day[row["day"], row["kind"]] = per_day.get((row["day"], row["kind"]), 0) + row["n"]
    return {
        "total": sum(row["n"] for row in groups),
        "days": [day.isoformat() for day in period.days],
        "by_kind_per_day": {
            kind: [per_day.get((day, kind), 0) for day in period.days] for kind in kinds
        },
        "kind_labels": kinds,
        "by_kind": _grouped(groups, "kind", kinds),
        "by_category": _grouped(groups, "category", None, blank="(no category)"),
        "by_team": _grouped(groups, "team", None, blank="(no team)"),
        "by_tier": _grouped(groups, "to_tier", tiers),
    }


def _grouped(groups: list[dict], field: str, labels: dict | None, blank: str = "—") -> list:
    counts: dict = {}
    for row in groups:
        counts[row[field]] = counts.get(row[field], 0) + row["n"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    return [
        {"label": (labels or {}).get(value, value) or blank, "value": value, "count": count}
        for value, count in ordered
    ]


def first_response(period: Period) -> dict:
    """Time from the escalation's trigger to the first human response: p50 and p90 (seconds),
    over the escalations answered so far."""
    answered = escalations_in(period).filter(first_human_response_at__isnull=False)
    wait = Seconds("first_human_response_at", "triggered_at")
    p50, p90 = percentiles(answered, wait, (0.5, 0.9))
    counts = escalations_in(period).aggregate(
        answered=Count("triggered_at", filter=Q(first_human_response_at__isnull=False)),
        waiting=Count("triggered_at", filter=Q(first_human_response_at__isnull=True)),
    )
    return {
        "answered": counts["answered"],
        "waiting": counts["waiting"],
        "p50_seconds": as_seconds(p50),
        "p90_seconds": as_seconds(p90),
    }


def resolution(period: Period) -> dict:
    """Resolution time of the tickets resolved in the period, escalated against not."""
    tickets = Ticket.objects.filter(resolved_at__gte=period.since, resolved_at__lt=period.until)
    if period.workspace_id:
        tickets = tickets.filter(workspace=period.workspace_id)
    if period.team_id:
        tickets = tickets.filter(team=period.team_id)
    took = Seconds("resolved_at", "created_at")
    found = summary_by(
        tickets,
        {"escalated": Q(escalated_at__isnull=False), "not_escalated": Q(escalated_at__isnull=True)},
        took,
    )
    return {
        name: {"tickets": n, "mean_seconds": as_seconds(mean), "p50_seconds": as_seconds(median)}
        for name, (n, mean, median) in found.items()
    }


def first_contact(period: Period) -> dict:
    """Of the escalations that ended (resolved or handed on), the share resolved by the first
    human they reached, without re-routing."""
    rows = escalations_in(period).aggregate(
        resolved_first=Count(
            "triggered_at", filter=Q(resolved_at__isnull=False, is_rerouted=False)
        ),
        rerouted=Count("triggered_at", filter=Q(is_rerouted=True)),
    )
    ended = rows["resolved_first"] + rows["rerouted"]
    return {
        "ended": ended,
        "resolved_first": rows["resolved_first"],
        "rerouted": rows["rerouted"],
        "share": rows["resolved_first"] / ended if ended else None,
    }


def sla_breaches(period: Period) -> list[dict]:
    """Per SLA policy: the clocks started in the period and the share of them breached."""
    clocks = SlaClock.objects.filter(started_at__gte=period.since, started_at__lt=period.until)
    if period.workspace_id:
        clocks = clocks.filter(ticket__workspace=period.workspace_id)
    if period.team_id:
        clocks = clocks.filter(ticket__team=period.team_id)
    rows = list(
        clocks.values("policy")
        .annotate(
            n=Count("started_at"), breached=Count("started_at", filter=Q(breached_at__isnull=False))
        )
        .order_by()
    )
    names = names_by_id(SlaPolicy, {row["policy"] for row in rows})
    found = [
        {
            "policy": names.get(row["policy"]) or "(no policy)",
            "clocks": row["n"],
            "breached": row["breached"],
            "rate": row["breached"] / row["n"] if row["n"] else None,
        }
        for row in rows
    ]
    return sorted(found, key=lambda row: row["policy"])
