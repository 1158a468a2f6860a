"""Named points where a change hands over to the domains built on top of it.

The core and the ticket lifecycle do not call the features that react to them (SLA clocks,
webhooks, rules, RACI, the escalation matrix, sign-offs, communication plans, the AI hand-over).
They emit a hook by name; each domain registers its listeners in the `register()` of its
`hooks.py`, which `EscalationsConfig.ready()` calls, so the dependency points from the feature
to the core, never back.

A hook is either *called* (`Hook.emit`: every listener runs, for its side effects) or *asked*
(`Hook.ask`: every listener answers, and the caller gets the answers in listener order).
Listeners run in the order of their `order` number, in the caller's transaction: a listener that
raises rolls the change back with it, exactly as a direct call would. `hooks_listing()` (the
`handoff_hooks` command prints it) shows who listens to what.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Listener:
    handler: Callable[..., Any]
    order: int
    owner: str  # the domain that registered it

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{self.handler.__qualname__}"


@dataclass
class Hook:
    name: str
    doc: str
    asks: bool = False  # the listeners answer (`hook_ask`) instead of just reacting
    listeners: list[Listener] = field(default_factory=list)

    def listen(self, handler: Callable[..., Any], *, order: int, owner: str) -> None:
        """Register `handler` (once: registering it again replaces it)."""
        kept = [listener for listener in self.listeners if listener.handler is not handler]
        kept.append(Listener(handler=handler, order=order, owner=owner))
        kept.sort(key=lambda listener: listener.order)
        self.listeners = kept

    def emit(self, **kwargs) -> None:
        assert not self.asks, f"{self.name} is asked, not emitted"
        for listener in self.listeners:
            listener.handler(**kwargs)

    def ask(self, **kwargs) -> list:
        assert self.asks, f"{self.name} is emitted, not asked"
        return [listener.handler(**kwargs) for listener in self.listeners]


_HOOKS: dict[str, Hook] = {}


def _define(name: str, doc: str, *, asks: bool = False) -> Hook:
    hook = Hook(name=name, doc=doc, asks=asks)
    _HOOKS[name] = hook
    return hook


EVENT_RECORDED = _define(
    "ticket.event_recorded",
    "An audit row was written (event). Runs for every event, inside the change's transaction.",
)
EVENT_DISPATCHED = _define(
    "unit_of_work.event_dispatched",
    "After a unit of work's own writes, once for each event it recorded (event, depth, limit); "
    "events its listeners record are dispatched in turn, one level deeper, up to the limit.",
)
TICKET_PRIORITY = _define(
    "ticket.priority_derived",
    "A ticket is created, or its custom fields change without a priority given (workspace_id, "
    "custom_fields): a listener answers (priority, why) when the ticket must take a priority.",
    asks=True,
)
TICKET_ESCALATED = _define(
    "ticket.escalated",
    "An escalation was recorded and the ticket handed over (escalation, actor).",
)
TICKET_MOVING = _define(
    "ticket.moving",
    "A ticket is about to enter a status (ticket, target): a listener refuses the move by "
    "raising IllegalTransition.",
)
TICKET_MOVE_GATES = _define(
    "ticket.move_gates",
    "What a move still waits for (ticket, target): each listener answers a list of sign-offs.",
    asks=True,
)
TICKET_ENTERED_STATUS = _define(
    "ticket.entered_status",
    "A ticket moved (ticket, target, previous_row_id, step, actor): `step` is the lifecycle "
    "step it took, or None when only the workspace status changed.",
)
CUSTOMER_WROTE = _define(
    "ticket.customer_wrote",
    "A customer's message was added (ticket, message, actor), after a waiting ticket came back.",
)
AGENT_REPLIED = _define(
    "ticket.agent_replied", "A person answered the customer in public (ticket)."
)
WORKSPACE_SYSTEM_MOVES = _define(
    "workspace.system_moves",
    "Which system moves a workspace's own configuration makes (workspace_id): each listener "
    "answers the move names its configuration relies on, which the workflow must allow.",
    asks=True,
)


def hooks_listing() -> list[Hook]:
    """Every hook, in definition order, with its listeners in the order they run."""
    return list(_HOOKS.values())
