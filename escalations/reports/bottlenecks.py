"""Where escalated tickets wait longest: the time spent in each lifecycle state (from entering
it to leaving it, as the audit trail's status changes record it), and the wait for a first
human response at each receiving team."""

from django.db.models import Avg, Count, Max

from escalations.core.models import EventType, TicketEvent
from escalations.reports.metrics import as_seconds, escalations_in, names_by_id
from escalations.reports.percentiles import Seconds
from escalations.tickets.models import Team, TicketStatus


def state_waits(period) -> list[dict]:
    """Per lifecycle state: the stays in it that the period's escalated tickets ended during the
    period, their mean and longest length in seconds. Each status change records the stay it
    ended, so this is one grouped read of the period's changes (stays still going are not
    counted)."""

    rows = (
        TicketEvent.objects.filter(
            event_type=EventType.STATUS_CHANGED,
            created_at__gte=period.since,
            created_at__lt=period.until,
            stay_seconds__isnull=False,
            ticket__in=escalations_in(period).values("ticket_id"),
        )
        .exclude(from_value__in=("", TicketStatus.CLOSED))
        .values("from_value")
        .annotate(n=Count("*"), mean=Avg("stay_seconds"), longest=Max("stay_seconds"))
        .order_by("-mean", "from_value")
    )
    labels = dict(TicketStatus.choices)
    return [
        {
            "state": labels.get(row["from_value"], row["from_value"]),
            "stays": row["n"],
            "mean_seconds": float(row["mean"]),
            "longest_seconds": float(row["longest"]),
        }
        for row in rows
    ]


def team_waits(period) -> list[dict]:
    """Per receiving team: the mean and longest wait from trigger to first human response."""

    wait = Seconds("first_human_response_at", "triggered_at")
    rows = list(
        escalations_in(period)
        .filter(first_human_response_at__isnull=False)
        .values("to_team")
        .annotate(n=Count("*"), mean=Avg(wait), longest=Max(wait))
        .order_by("-mean")
    )
    names = names_by_id(Team, {row["to_team"] for row in rows})
    return [
        {
            "team": names.get(row["to_team"]) or "(no team)",
            "escalations": row["n"],
            "mean_seconds": as_seconds(row["mean"]),
            "longest_seconds": as_seconds(row["longest"]),
        }
        for row in rows
    ]


def bottlenecks(period) -> dict:
    return {"states": state_waits(period), "teams": team_waits(period)}
