"""Units of work: a service's writes, its audit events, and the rules those events trigger,
all in one transaction.

Events recorded inside a unit of work are collected; when the outermost unit finishes its own
writes, each collected event is dispatched (the `unit_of_work.event_dispatched` hook: the rules
listen there). Events the rules' actions cause are dispatched
in turn, one level deeper, up to HANDOFF_RULES_MAX_DEPTH: rules cannot loop.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.db import transaction

from escalations.core.held import held_forget, holding
from escalations.core.hooks import EVENT_DISPATCHED


@dataclass
class _Scope:
    pending: list = field(default_factory=list)  # (event, depth)
    depth: int = 0  # the depth given to events recorded now
    suppressed: bool = False
    memo: dict = field(default_factory=dict)  # configuration read once per unit of work


_scope: ContextVar[_Scope | None] = ContextVar("handoff_unit_of_work", default=None)
# Set inside a transaction that rolls back whole on any failure (see `all_or_nothing`).
_all_or_nothing: ContextVar[bool] = ContextVar("handoff_all_or_nothing", default=False)
# One request's memo, shared by the units of work it runs (see `request_memo`).
_request_memo: ContextVar[dict | None] = ContextVar("handoff_request_memo", default=None)


def max_depth() -> int:
    return getattr(settings, "HANDOFF_RULES_MAX_DEPTH", 3)


@contextmanager
def unit_of_work():
    if _scope.get() is not None:
        # A service called by a service: its writes stand or fall with its caller's. (A caller
        # that goes on after a failure opens its own savepoint, as the rules do per action.)
        try:
            with transaction.atomic(savepoint=False):
                yield
        except BaseException:
            held_forget()  # a held ticket may be half-changed: whoever goes on reads it afresh
            raise
        return
    shared = _request_memo.get()
    scope = _Scope() if shared is None else _Scope(memo=shared)
    token = _scope.set(scope)
    try:
        with holding(), transaction.atomic(savepoint=not _all_or_nothing.get()):
            yield
            _drain(scope)
    except BaseException:
        held_forget()
        raise
    finally:
        _scope.reset(token)


@contextmanager
def all_or_nothing():
    """A transaction that is rolled back whole if anything in it fails (an idempotent API
    delivery): the units of work inside need no savepoint of their own."""
    token = _all_or_nothing.set(True)
    try:
        with holding(), transaction.atomic():
            yield
    finally:
        _all_or_nothing.reset(token)


def ticket_service(function: Callable) -> Callable:
    """Decorate a write to tickets (and what hangs off them: messages, escalations, clocks).

    The service runs as a unit of work, or inside the one that called it: one transaction (a
    savepoint of its own only at the outermost level), tickets locked once and held for the
    whole of it, its audit events dispatched to the rules when its own writes are done, and
    configuration read once. If it fails, its writes and its events go with it; held tickets
    are forgotten, so whoever carries on reads them afresh. Configuration writes use
    `escalations.core.config_cache.config_service` instead.
    """

    @wraps(function)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return function(*args, **kwargs)

    return wrapper


@contextmanager
def request_memo():
    """Around one request (middleware): configuration is read once for the whole request."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def memoised(key, compute: Callable):
    """Read configuration once per request or unit of work; outside both, every call reads
    it afresh. Changing configuration clears the memo."""
    scope = _scope.get()
    memo = scope.memo if scope is not None else _request_memo.get()
    if memo is None or _CHANGED in memo:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# Set in a memo once configuration changed under it: the change may still roll back (a
# savepoint, an import's dry run), so from then on nothing is kept for the rest of the request.
_CHANGED = "__configuration_changed__"


def memo_clear() -> None:
    """Configuration changed: forget what was read, and keep nothing more this time round."""
    scope = _scope.get()
    if scope is not None:
        scope.memo.clear()
        scope.memo[_CHANGED] = True
    shared = _request_memo.get()
    if shared is not None:
        shared.clear()
        shared[_CHANGED] = True


def event_recorded(event) -> None:
    scope = _scope.get()
    if scope is not None and not scope.suppressed:
        scope.pending.append((event, scope.depth))


@contextmanager
def undispatched():
    """Record events that must not trigger rules themselves (the engine's own notes)."""
    scope = _scope.get()
    if scope is None:
        yield
        return
    before, scope.suppressed = scope.suppressed, True
    try:
        yield
    finally:
        scope.suppressed = before


def _drain(scope: _Scope) -> None:
    while scope.pending:
        event, depth = scope.pending.pop(0)
        scope.depth = depth + 1
        EVENT_DISPATCHED.emit(event=event, depth=depth, limit=max_depth())
    scope.depth = 0
