"""How each AI confidence threshold performs, per task category, and what it should be.

The verdicts decided by confidence alone are labelled from what happened next:
- escalated, and the person resolved it at first contact without changing the AI's answer
  (no reply of their own, or the AI's proposed reply as it was): *too early*;
- stayed with the AI, and the ticket later breached an SLA target, was reopened or was
  escalated anyway: *too late*.
The database counts them per category and per confidence percent; a proposed threshold is the
one that would have made the fewest of both on that history (ties go to the current one)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Floor

from escalations.ai.models import AiVerdict, Decision, EscalationPolicy
from escalations.core.models import EventType, TicketEvent
from escalations.sla.models import SlaClock
from escalations.tickets.models import AuthorKind, Escalation, Message, TicketStatus


@dataclass
class CategoryThreshold:
    category: str
    policy_id: int | None
    policy: str
    current: float | None
    verdicts: int
    too_early: int  # observed
    too_late: int  # observed
    proposed: float
    expected_too_early: int  # on this history, with the proposed threshold
    expected_too_late: int
    modelled_too_early: int  # the same model with the current threshold, for comparison
    modelled_too_late: int


def threshold_queries(period) -> dict[str, Callable[[], list[dict]]]:
    """The review's two database queries (the verdicts that escalated, those that stayed), each
    ready to run on its own."""
    verdicts = AiVerdict.objects.filter(
        received_at__gte=period.since,
        received_at__lt=period.until,
        confidence__isnull=False,
        confidence_only=True,
        decision__in=(Decision.ESCALATE, Decision.STAY),
    )
    if period.workspace_id:
        verdicts = verdicts.filter(ticket__workspace=period.workspace_id)
    if period.team_id:
        verdicts = verdicts.filter(ticket__team=period.team_id)
    # 0.57 * 100 is 56.99999999999999 in floating point: nudge before the floor.
    verdicts = verdicts.annotate(percent=Floor(F("confidence") * 100 + Value(1e-6)))
    return {
        "escalated": partial(_escalated, verdicts.filter(decision=Decision.ESCALATE), period),
        "stayed": partial(_stayed, verdicts.filter(decision=Decision.STAY), period),
    }


def _labelled(escalated: list[dict], stayed: list[dict]) -> list[dict]:
    keys = ("intent", "policy", "percent")
    rows: dict[tuple, dict] = {}
    for row in escalated:
        entry = rows.setdefault(tuple(row[k] for k in keys), _empty(row, keys))
        entry["n"] += row["n"]
        entry["too_early"] += row["too_early"]
        entry["fine"] += row["too_early"]  # would have been fine with the AI
    for row in stayed:
        entry = rows.setdefault(tuple(row[k] for k in keys), _empty(row, keys))
        entry["n"] += row["n"]
        entry["too_late"] += row["too_late"]
        entry["fine"] += row["n"] - row["too_late"]
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[1] or 0, k[2]))]


def _escalated(verdicts, period) -> list[dict]:
    """Per category, policy and percent: the verdicts that escalated, and how many of them were
    needless: resolved by the first person reached, not re-routed, and that person's first
    public reply was none or the AI's proposed reply (case and spaces aside). The reply and the
    proposed one are read only for those resolved escalations."""
    q = connection.ops.quote_name
    kept = (
        verdicts.annotate(
            tid=F("ticket_id"), esc=F("escalation_id"), cat=F("intent"), pol=F("policy_id")
        )
        .values("id", "tid", "esc", "cat", "pol", "percent")
        .order_by()
    )
    kept_sql, kept_params = kept.query.sql_with_params()
    message, escalation = Message._meta.db_table, Escalation._meta.db_table
    verdict = AiVerdict._meta.db_table
    # The first public reply after the hand-over, compared with the proposed one (read only when
    # there is a reply); no reply at all counts as unchanged.
    same_reply = f"""
        SELECT LOWER(TRIM(m.body)) = (
            SELECT LOWER(TRIM(x.proposed_reply)) FROM {q(verdict)} x WHERE x.id = k.id
        )
        FROM {q(message)} m
        WHERE m.ticket_id = k.tid AND m.author_kind = %s AND NOT m.is_internal
          AND m.created_at >= e.triggered_at
        ORDER BY m.created_at, m.id LIMIT 1
    """
    sql = f"""
        SELECT k.cat, k.pol, k.percent, COUNT(*),
               COUNT(*) FILTER (WHERE CASE
                   WHEN e.resolved_at IS NULL OR e.is_rerouted THEN FALSE
                   ELSE COALESCE(({same_reply}), TRUE) END)
        FROM ({kept_sql}) k
        LEFT JOIN {q(escalation)} e ON e.id = k.esc AND e.triggered_at >= %s
        GROUP BY k.cat, k.pol, k.percent
    """
    # A verdict's escalation is the one it started, never triggered before the verdict came.
    since = connection.ops.adapt_datetimefield_value(period.since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [AuthorKind.AGENT, *kept_params, since])
        found = cursor.fetchall()
    return [
        {"intent": cat, "policy": pol, "percent": percent, "n": n, "too_early": early}
        for cat, pol, percent, n, early in found
    ]


def _stayed(verdicts, period) -> list[dict]:
    """Per category, policy and percent: the verdicts kept by the AI, and how many of their
    tickets breached, were reopened or were escalated after the verdict. The bad things of the
    period are gathered once, their latest time per ticket, and joined (not looked up per
    verdict)."""
    since = period.since
    bad = (
        SlaClock.objects.filter(breached_at__gte=since)
        .annotate(tid=F("ticket_id"), at=F("breached_at"))
        .values("tid", "at")
        .order_by()
        .union(
            # Resolved → open is a reopening (the only move between the two); plain columns
            # instead of the event's JSON.
            TicketEvent.objects.filter(
                event_type=EventType.STATUS_CHANGED,
                from_value=TicketStatus.RESOLVED,
                to_value=TicketStatus.OPEN,
                created_at__gte=since,
            )
            .annotate(tid=F("ticket_id"), at=F("created_at"))
            .values("tid", "at")
            .order_by(),
            Escalation.objects.filter(triggered_at__gte=since)
            .annotate(tid=F("ticket_id"), at=F("triggered_at"))
            .values("tid", "at")
            .order_by(),
            all=True,
        )
    )
    kept = (
        verdicts.annotate(
            tid=F("ticket_id"), got=F("received_at"), cat=F("intent"), pol=F("policy_id")
        )
        .values("tid", "got", "cat", "pol", "percent")
        .order_by()
    )
    bad_sql, bad_params = bad.query.sql_with_params()
    kept_sql, kept_params = kept.query.sql_with_params()
    sql = f"""
        SELECT k.cat, k.pol, k.percent, COUNT(*),
               COUNT(*) FILTER (WHERE w.last_bad >= k.got)
        FROM ({kept_sql}) k
        LEFT JOIN (SELECT tid, MAX(at) AS last_bad FROM ({bad_sql}) u GROUP BY tid) w
            ON w.tid = k.tid
        GROUP BY k.cat, k.pol, k.percent
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*kept_params, *bad_params])
        found = cursor.fetchall()
    return [
        {"intent": cat, "policy": pol, "percent": percent, "n": n, "too_late": late}
        for cat, pol, percent, n, late in found
    ]


def _empty(row: dict, keys: tuple) -> dict:
    return {**{k: row[k] for k in keys}, "n": 0, "too_early": 0, "too_late": 0, "fine": 0}


def _outcomes(buckets: dict[int, tuple[int, int]], cut: int) -> tuple[int, int]:
    """Too early and too late on this history had the threshold been cut/100: below it every
    verdict escalates (the fine ones needlessly), at or above it every verdict stays (the bad
    ones wrongly)."""
    early = sum(fine for percent, (fine, _) in buckets.items() if percent < cut)
    late = sum(bad for percent, (_, bad) in buckets.items() if percent >= cut)
    return early, late


def _best(buckets: dict[int, tuple[int, int]], current: float | None) -> int:
    now = round((current or 0) * 100)
    return min(range(0, 101), key=lambda cut: (sum(_outcomes(buckets, cut)), abs(cut - now)))


def threshold_review(period, found: dict[str, list[dict]] | None = None) -> list[CategoryThreshold]:
    """Per category and policy: the observed and the proposed threshold's figures. `found` is
    what `threshold_queries` gave, when they were run already."""
    if found is None:
        found = {name: query() for name, query in threshold_queries(period).items()}
    groups: dict[tuple, dict] = {}
    for row in _labelled(found["escalated"], found["stayed"]):
        key = (row["intent"], row["policy"])
        group = groups.setdefault(key, {"n": 0, "early": 0, "late": 0, "buckets": {}})
        group["n"] += row["n"]
        group["early"] += row["too_early"]
        group["late"] += row["too_late"]
        bad = row["n"] - row["fine"]
        group["buckets"][int(row["percent"])] = (row["fine"], bad)
    policies = EscalationPolicy.objects.in_bulk({policy for _, policy in groups if policy})
    found = []
    for (intent, policy_id), group in sorted(groups.items(), key=lambda item: -item[1]["n"]):
        policy = policies.get(policy_id)
        current = float(policy.min_confidence) if policy and policy.min_confidence else None
        cut = _best(group["buckets"], current)
        early, late = _outcomes(group["buckets"], cut)
        now_early, now_late = _outcomes(group["buckets"], round((current or 0) * 100))
        found.append(
            CategoryThreshold(
                category=intent or "(no category)",
                policy_id=policy_id,
                policy=policy.name if policy else "(no policy)",
                current=current,
                verdicts=group["n"],
                too_early=group["early"],
                too_late=group["late"],
                proposed=cut / 100,
                expected_too_early=early,
                expected_too_late=late,
                modelled_too_early=now_early,
                modelled_too_late=now_late,
            )
        )
    return found
