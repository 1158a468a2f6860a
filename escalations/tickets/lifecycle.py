"""The ticket lifecycle as data, read from the state machine on the model."""

from functools import cache

from escalations.tickets.models import Ticket, TicketStatus


@cache
def transitions() -> tuple[tuple[str, str, str], ...]:
    """Every (source, transition name, target) edge of the ticket state machine, sorted."""
    field = Ticket._meta.get_field("status")
    edges = {
        (source, t.name, t.target)
        for t in field.get_all_transitions(Ticket)
        for source in ([t.source] if isinstance(t.source, str) else t.source)
    }
    return tuple(sorted(edges))


TRANSITION_NAMES = frozenset(name for _, name, _ in transitions())

# The order in which moves are offered: forward along the lifecycle, the final ones last.
TRANSITION_ORDER = (
    "start_work",
    "resume",
    "wait_on_customer",
    "put_on_hold",
    "escalate",
    "return_to_queue",
    "resolve",
    "reopen",
    "close",
)


@cache
def transition_label(name: str) -> str:
    field = Ticket._meta.get_field("status")
    for t in field.get_all_transitions(Ticket):
        if t.name == name:
            return t.custom.get("label", name.replace("_", " ").capitalize())
    return name


def mermaid_diagram() -> str:
    """The lifecycle as a Mermaid state diagram, generated from the code."""
    lines = ["stateDiagram-v2", f"    [*] --> {TicketStatus.NEW.value}"]
    grouped: dict[tuple[str, str], list[str]] = {}
    for source, name, target in transitions():
        grouped.setdefault((source, target), []).append(transition_label(name))
    for (source, target), labels in sorted(grouped.items()):
        lines.append(f"    {source} --> {target}: {' / '.join(labels)}")
    lines.append(f"    {TicketStatus.CLOSED.value} --> [*]")
    return "\n".join(lines)
