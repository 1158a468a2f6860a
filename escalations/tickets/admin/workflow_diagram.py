"""A workflow as an SVG diagram drawn on the server: a column per lifecycle state with its
statuses, an arrow for each allowed move, a mark on statuses that may be entered from any
status and on those a sign-off gates. Nothing is fetched from the network."""

from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from escalations.tickets.models import TicketStatus
from escalations.tickets.workflow import Status, Workflow

BOX_W, BOX_H = 150, 34
COL_GAP, ROW_GAP = 64, 44
TOP, LEFT = 96, 16
COLOURS = {
    "new": "#0ea5e9",
    "open": "#6366f1",
    "pending": "#f59e0b",
    "on_hold": "#d97706",
    "escalated": "#dc2626",
    "resolved": "#16a34a",
    "closed": "#64748b",
}


LEGEND = _lazy(
    "★ may be entered from any status · sign-off: entered only with its sign-offs (dashed "
    "arrows) · thick border: the default status of its lifecycle state"
)


def _layout(workflow: Workflow) -> tuple[dict[str, tuple[int, int]], list[str]]:
    columns = [
        state for state in TicketStatus.values if any(s.state == state for s in workflow.statuses)
    ]
    places: dict[str, tuple[int, int]] = {}
    for col, state in enumerate(columns):
        row = 0
        for status in workflow.statuses:
            if status.state == state:
                x = LEFT + col * (BOX_W + COL_GAP)
                y = TOP + row * (BOX_H + ROW_GAP)
                places[status.slug] = (x, y)
                row += 1
    return places, columns


def _arrow(a: tuple[int, int], b: tuple[int, int], *, gated: bool) -> str:
    """A move to the next column runs edge to edge; one that skips columns bows above the
    boxes, and one back (or within a column) bows below them, so no arrow runs through a box
    it does not join."""
    (ax, ay), (bx, by) = a, b
    span = abs(bx - ax) // (BOX_W + COL_GAP)
    if bx > ax and span == 1:
        sx, sy, ex, ey = ax + BOX_W, ay + BOX_H / 2, bx, by + BOX_H / 2
        mid = (sx + ex) / 2
        path = f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}"
    elif bx > ax:
        sx, sy = ax + BOX_W * 0.65, ay
        ex, ey = bx + BOX_W * 0.35, by
        lift = 16 + span * 9
        path = f"M{sx},{sy} C{sx},{min(sy, ey) - lift} {ex},{min(sy, ey) - lift} {ex},{ey - 2}"
    else:
        sx, sy = ax + BOX_W * 0.4, ay + BOX_H
        ex, ey = bx + BOX_W * 0.6, by + BOX_H
        drop = 14 + span * 9
        path = f"M{sx},{sy} C{sx},{max(sy, ey) + drop} {ex},{max(sy, ey) + drop} {ex},{ey + 2}"
    dash = ' stroke-dasharray="5 3"' if gated else ""
    return (
        f'<path d="{path}" fill="none" stroke="#475569" stroke-width="1.3"{dash} '
        'marker-end="url(#arrow)"/>'
    )


def workflow_svg(workflow: Workflow, *, gated: frozenset[str] = frozenset()) -> SafeString:
    """The diagram; `gated` names the statuses a sign-off must open (drawn with a dashed
    arrow and a lock mark)."""
    places, columns = _layout(workflow)
    if not places:
        return mark_safe("")
    rows = max((y - TOP) // (BOX_H + ROW_GAP) + 1 for _x, y in places.values())
    width = LEFT * 2 + len(columns) * BOX_W + (len(columns) - 1) * COL_GAP + 40
    height = TOP + rows * (BOX_H + ROW_GAP) + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif" '
        f'font-size="12" data-testid="workflow-diagram">',
        f"<title>{escape(_('Workflow'))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#475569"/></marker></defs>',
    ]
    for col, state in enumerate(columns):
        x = LEFT + col * (BOX_W + COL_GAP)
        label = escape(str(TicketStatus(state).label))
        parts.append(
            f'<text x="{x + BOX_W / 2}" y="20" text-anchor="middle" font-weight="bold" '
            f'fill="{COLOURS[state]}">{label}</text>'
        )
    for source, target in _drawn_moves(workflow):
        parts.append(_arrow(places[source.slug], places[target.slug], gated=target.slug in gated))
    for status in workflow.statuses:
        parts.append(_box(status, places[status.slug], gated=status.slug in gated))
    legend_y = height - 14
    parts.append(f'<text x="{LEFT}" y="{legend_y}" fill="#475569">{escape(str(LEGEND))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _drawn_moves(workflow: Workflow) -> list[tuple[Status, Status]]:
    """The chosen moves the lifecycle can make; any-status moves are a mark on their target,
    not an arrow from every status."""
    return [(a, b) for a, b in workflow.chosen_moves() if workflow.may_move(a, b)]


def _box(status: Status, place: tuple[int, int], *, gated: bool) -> str:
    x, y = place
    colour = COLOURS[status.state]
    marks = "★ " if status.from_any else ""
    width = 2.5 if status.is_default else 1.2
    name = escape(status.name if len(status.name) <= 22 else status.name[:21] + "…")
    return (
        f'<g data-status="{escape(status.slug)}"><title>{escape(status.name)} '
        f"({escape(status.state_label)})</title>"
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="#fff" '
        f'stroke="{colour}" stroke-width="{width}"/>'
        f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle" '
        f'fill="#0f172a">{escape(marks)}{name}</text>'
        + (
            f'<text x="{x + BOX_W - 4}" y="{y - 4}" text-anchor="end" font-size="10" '
            f'fill="#b45309">{escape(_("sign-off"))}</text>'
            if gated
            else ""
        )
        + "</g>"
    )
