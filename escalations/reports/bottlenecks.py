"""Where escalated tickets wait longest: the time spent in each lifecycle state (from entering
it to leaving it, read from the audit trail with a window function), and the wait for a first
human response at each receiving team."""

from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max

from escalations.models import EventType, TicketEvent, TicketStatus


def _seconds_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"(julianday({later}) - julianday({earlier})) * 86400.0"


def state_waits(period) -> list[dict]:
    """Per lifecycle state: how many stays in it the escalated tickets of the period had, and
    their mean and longest length in seconds (stays still going are not counted)."""
    from escalations.reports.metrics import escalations_in

    tickets_sql, tickets_params = (
        escalations_in(period).values("ticket_id").order_by().query.sql_with_params()
    )
    event = TicketEvent._meta.db_table
    stays = f"""
        SELECT e.to_value AS state,
               {
        _seconds_between(
            "LEAD(e.created_at) OVER (PARTITION BY e.ticket_id ORDER BY e.created_at, e.id)",
            "e.created_at",
        )
    } AS seconds
        FROM {event} e
        WHERE e.event_type = %s AND e.ticket_id IN ({tickets_sql})
    """
    sql = f"""
        SELECT state, COUNT(*), AVG(seconds), MAX(seconds)
        FROM ({stays}) stays
        WHERE seconds IS NOT NULL
        GROUP BY state
        ORDER BY AVG(seconds) DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [EventType.STATUS_CHANGED, *tickets_params])
        rows = cursor.fetchall()
    labels = dict(TicketStatus.choices)
    return [
        {
            "state": labels.get(state, state),
            "stays": count,
            "mean_seconds": float(mean),
            "longest_seconds": float(longest),
        }
        for state, count, mean, longest in rows
        if state not in (TicketStatus.CLOSED,)
    ]


def team_waits(period) -> list[dict]:
    """Per receiving team: the mean and longest wait from trigger to first human response."""
    from escalations.reports.metrics import _seconds, escalations_in

    wait = ExpressionWrapper(
        F("first_human_response_at") - F("triggered_at"), output_field=DurationField()
    )
    rows = (
        escalations_in(period)
        .filter(first_human_response_at__isnull=False)
        .values("to_team__name")
        .annotate(n=Count("id"), mean=Avg(wait), longest=Max(wait))
        .order_by("-mean")
    )
    return [
        {
            "team": row["to_team__name"] or "(no team)",
            "escalations": row["n"],
            "mean_seconds": _seconds(row["mean"]),
            "longest_seconds": _seconds(row["longest"]),
        }
        for row in rows
    ]


def bottlenecks(period) -> dict:
    return {"states": state_waits(period), "teams": team_waits(period)}
