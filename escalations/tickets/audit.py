"""How an audit event reads to a person: one line, with labels instead of stored codes."""

from django.utils.translation import gettext as _

from escalations.core.models import EventType, TicketEvent
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.workflow import SystemMove


def _status_label(value: str) -> str:
    return TicketStatus(value).label if value in TicketStatus.values else value or "—"


def _field_label(name: str) -> str:
    try:
        return str(Ticket._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # a field since removed: show its stored name
        return name


def event_description(event: TicketEvent) -> str:
    kind = event.event_type
    if kind == EventType.STATUS_CHANGED:
        states = f"{_status_label(event.from_value)} → {_status_label(event.to_value)}"
        if event.data.get("previous_custom_status") or event.data.get("custom_status"):
            # The workspace's own status change is its own line ("Status: …").
            return _("Lifecycle state: {states}").format(states=states)
        return _("Status: {states}").format(states=states)
    if kind == EventType.FIELD_CHANGED:
        field = _field_label(event.data.get("field", ""))
        return f"{field}: {event.from_value or '—'} → {event.to_value or '—'}"
    if kind == EventType.CUSTOM_STATUS_CHANGED:
        return _("Status: {before} → {after}").format(
            before=event.from_value or "—", after=event.to_value or "—"
        )
    if kind == EventType.MOVE_BLOCKED:
        move = event.data.get("move", "")
        label = SystemMove(move).label if move in SystemMove.values else move
        return _("Blocked move ({move}): {why}").format(move=label, why=event.reason)
    if kind == EventType.ESCALATED:
        return f"Escalated: {event.from_value} → {event.to_value}"
    if kind == EventType.TICKET_CREATED:
        return f"Created ({_status_label(event.to_value)})"
    if kind == EventType.SLA_POLICY_APPLIED:
        return _("SLA policy: {before} → {after}").format(
            before=event.from_value or "—", after=event.to_value or "—"
        )
    if kind == EventType.SLA_POLICY_PINNED:
        if not event.to_value:
            return _("SLA policy left to the policies' conditions")
        return _("SLA policy {policy} put on the ticket").format(policy=event.to_value)
    if kind == EventType.NOTIFIED:
        return _("Notified: {recipients}").format(recipients=event.to_value or "—")
    if kind in (EventType.MESSAGE_ADDED, EventType.NOTE_ADDED):
        author = event.data.get("author_kind", "")
        return f"{EventType(kind).label} ({author})" if author else EventType(kind).label
    return EventType(kind).label if kind in EventType.values else kind
