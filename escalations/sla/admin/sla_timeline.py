"""The clocks of one ticket drawn on one time axis: when each ran, when it was paused, where
its deadline fell and how long it ran past it.

Plain HTML with inline widths in per cent of the axis, so it needs no script and no chart
library, and reads the same in the admin and in a saved page.
"""

from datetime import datetime

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from escalations.sla.models import SlaClock

RUNNING = "#3b82f6"
PAUSED = "#cbd5e1"
OVERDUE = "#ef4444"
DEADLINE = "#111827"


def clocks_timeline(rows: list[SlaClock], labels: list[str], now: datetime) -> str:
    """One bar per clock on a shared axis from the first start to now (or the last deadline
    still ahead)."""
    spans = [
        (row, row.started_at, row.stopped_at or now, label)
        for row, label in zip(rows, labels, strict=True)
        if row.started_at
    ]
    if not spans:
        return ""
    axis_start = min(start for _, start, _, _ in spans)
    axis_end = max([end for _, _, end, _ in spans] + [r.due_at for r, *_ in spans if r.due_at])
    total = max((axis_end - axis_start).total_seconds(), 1.0)

    def at(moment: datetime) -> float:
        return round(100 * (moment - axis_start).total_seconds() / total, 3)

    bars = []
    for row, start, end, label in spans:
        pieces = [_piece(at(start), at(end), RUNNING, "running")]
        if row.due_at and row.due_at < end:
            overdue_from = max(row.due_at, start)
            pieces.append(_piece(at(overdue_from), at(end), OVERDUE, "past the deadline"))
        for paused_from, paused_to, why in row.pauses:
            begin = datetime.fromisoformat(paused_from)
            finish = datetime.fromisoformat(paused_to) if paused_to else end
            pieces.append(_piece(at(begin), at(finish), PAUSED, f"paused: {why}"))
        if row.due_at:
            pieces.append(
                format_html(
                    "<span title='deadline {}' style='position:absolute;left:{}%;top:-3px;"
                    "bottom:-3px;width:2px;background:{}'></span>",
                    _when(row.due_at),
                    min(at(row.due_at), 100),
                    DEADLINE,
                )
            )
        bars.append((label, format_html_join("", "{}", ((p,) for p in pieces))))
    rows_html = format_html_join(
        "",
        "<div style='display:flex;align-items:center;gap:12px;margin:6px 0'>"
        "<span style='width:170px;flex:none'>{}</span>"
        "<div style='position:relative;flex:1;height:12px;background:#f1f5f9;"
        "border-radius:3px'>{}</div></div>",
        bars,
    )
    return format_html(
        "<div data-testid='sla-timeline' style='margin-top:14px;max-width:900px'>{}"
        "<div style='display:flex;justify-content:space-between;margin-left:182px;"
        "font-size:12px;opacity:.7'><span>{}</span><span>{}</span></div>"
        "<div style='font-size:12px;opacity:.8;margin:4px 0 0 170px'>{}</div></div>",
        rows_html,
        _when(axis_start),
        _when(axis_end),
        _legend(),
    )


def _piece(left: float, right: float, colour: str, title: str) -> str:
    width = max(right - left, 0.4)
    return format_html(
        "<span title='{}' style='position:absolute;left:{}%;width:{}%;top:0;bottom:0;"
        "background:{};border-radius:2px'></span>",
        title,
        left,
        round(width, 3),
        colour,
    )


def _legend() -> str:
    items = ((RUNNING, "running"), (PAUSED, "paused"), (OVERDUE, "past the deadline"))
    swatches = format_html_join(
        "",
        "<span style='display:inline-block;width:10px;height:10px;background:{};"
        "margin:0 4px 0 12px'></span>{}",
        items,
    )
    return format_html(
        "{}<span style='display:inline-block;width:2px;height:10px;background:{};"
        "margin:0 4px 0 12px'></span>deadline",
        swatches,
        DEADLINE,
    )


def _when(value: datetime) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT")
