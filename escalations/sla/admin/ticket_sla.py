"""The SLA side of the ticket page and list: time left, the about-to-breach filter and the
clock panel with its timeline."""

from datetime import datetime, timedelta

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from escalations.core import clock
from escalations.sla.admin.sla_timeline import clocks_timeline
from escalations.sla.models import ClockKind, ClockState
from escalations.sla.selectors import clock_calendar, clock_elapsed
from escalations.tickets.models import ACTIVE_STATUSES

CELL = "style='padding:4px 16px 4px 0;text-align:left;vertical-align:top;white-space:nowrap'"
STATE_COLOURS = {
    ClockState.RUNNING: "info",
    ClockState.PAUSED: "",
    ClockState.WARNING: "warning",
    ClockState.BREACHED: "danger",
    ClockState.MET: "success",
    ClockState.STOPPED: "",
}


def duration_text(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts[:2])


def time_left_text(due, now=None) -> tuple[str, str]:
    """('42 min left', 'warning') for a list cell; breached ones read 'breached … ago'."""
    if due is None:
        return "—", ""
    left = due - (now or clock.now())
    if left.total_seconds() < 0:
        return f"breached {duration_text(left)} ago", "danger"
    colour = "warning" if left <= timedelta(hours=1) else "info"
    return f"{duration_text(left)} left", colour


class SlaFilter(admin.SimpleListFilter):
    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return (
            ("breached", "Breached"),
            ("1h", "Due within 1 hour"),
            ("4h", "Due within 4 hours"),
            ("none", "No running clock"),
        )

    def queryset(self, request, queryset):
        now = clock.now()
        value = self.value()
        if value == "breached":
            return queryset.filter(sla_due_at__lt=now, status__in=ACTIVE_STATUSES)
        if value in ("1h", "4h"):
            hours = 1 if value == "1h" else 4
            return queryset.filter(
                sla_due_at__gte=now,
                sla_due_at__lt=now + timedelta(hours=hours),
                status__in=ACTIVE_STATUSES,
            )
        if value == "none":
            return queryset.filter(sla_due_at__isnull=True, status__in=ACTIVE_STATUSES)
        return queryset


def clocks_panel(ticket) -> str:
    """The ticket's clocks: target, due, elapsed, state, and the paused segments."""
    rows = list(ticket.sla_clocks.select_related("policy", "ticket__workspace").order_by("id"))
    if not rows:
        return "No SLA policy applies to this ticket."
    now = clock.now()
    cells, calendars, labels = [], {}, []
    for row in rows:
        if row.policy_id not in calendars:  # one calendar look-up per policy, not per clock
            calendars[row.policy_id] = clock_calendar(row)
        calendar = calendars[row.policy_id]
        elapsed = clock_elapsed(row, calendar, now)
        label = row.get_kind_display()
        if row.kind == ClockKind.NEXT_RESPONSE:
            label += f" #{row.cycle}"
        if row.kind == ClockKind.LADDER:
            label += f" (next level {row.level + 1})" if row.is_live else ""
        labels.append(label)
        segments = ((_when(a), _when(b, "now"), why) for a, b, why in row.pauses)
        pauses = format_html_join("", "<li>{} → {} ({})</li>", segments)
        cells.append(
            (
                label,
                STATE_COLOURS.get(row.state, ""),
                row.get_state_display(),
                duration_text(timedelta(seconds=row.target_seconds)),
                "business hours" if row.business_hours else "calendar time",
                _when(row.due_at) if row.is_live else _when(row.stopped_at),
                duration_text(elapsed),
                pauses or "—",
            )
        )
    body = format_html_join(
        "",
        f"<tr><td {CELL}>{{}}</td><td {CELL} data-colour='{{}}'><strong>{{}}</strong></td>"
        f"<td {CELL}>{{}} ({{}})</td><td {CELL}>{{}}</td><td {CELL}>{{}}</td>"
        f"<td {CELL}><ul>{{}}</ul></td></tr>",
        cells,
    )
    policy = ticket.sla_policy
    pinned = " (set by hand)" if ticket.sla_policy_pinned else ""
    head = "".join(
        f"<th {CELL}>{name}</th>"
        for name in ("Clock", "State", "Target", "Due / ended", "Elapsed", "Paused")
    )
    return format_html(
        "<p>Policy: <strong>{}</strong>{}</p><table data-testid='sla-clocks' "
        "style='border-collapse:collapse;margin-top:8px'><thead><tr>{}</tr></thead>"
        "<tbody>{}</tbody></table>{}",
        policy.name if policy else "—",
        pinned,
        mark_safe(head),  # fixed column names
        body,
        clocks_timeline(rows, labels, now),
    )


def _when(value, none_text: str = "—") -> str:
    if value is None:
        return none_text
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return date_format(localtime(value), "DATETIME_FORMAT")
