"""Tickets held under lock by the current transaction.

A delivery runs several services on one ticket (an AI verdict edits the AI fields, escalates,
moves the status, assigns, resyncs the SLA and runs the rules). Each must work on the row as
locked and current. The first one locks and reads it; the others, in the same transaction, get
that same copy instead of locking and reading it again. Every write to a held ticket goes
through the copy (or `held_set` after an UPDATE), so it stays the row's true state.

A service that fails may leave the copy half-changed; the unit of work then forgets every held
ticket, so whoever carries on (a rule's next action, after its savepoint rolled back) reads the
row afresh.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import connection

from escalations.core.db.compiled import CompiledRead


def _ticket_model():
    # By its label: the core holds rows of the tickets table without importing the domain.
    return apps.get_model("escalations", "Ticket")


_held: ContextVar[dict | None] = ContextVar("handoff_held_tickets", default=None)


@contextmanager
def holding():
    """Opened around a whole transaction (the outermost unit of work, an idempotent delivery)."""
    if _held.get() is not None:
        yield
        return
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


def _locked(pk):
    of = ("self",) if connection.features.has_select_for_update_of else ()
    return _ticket_model().objects.select_for_update(of=of).select_related("customer").filter(pk=pk)


_read_locked = CompiledRead(_locked)


def ticket_locked(pk: int):
    """The ticket locked for the rest of the transaction, with its customer (None if there is
    no such ticket); held from now on."""
    held = _held.get()
    if held is not None and pk in held:
        return held[pk]
    found = _read_locked(pk)
    if not found:
        return None
    if held is not None:
        held[pk] = found[0]
    return found[0]


def ticket_for_update(pk: int):
    """The ticket locked for the rest of the transaction, with its customer."""
    ticket = ticket_locked(pk)
    if ticket is None:
        raise _ticket_model().DoesNotExist(f"No ticket {pk}.")
    return ticket


def held_add(ticket) -> None:
    """A ticket this transaction has just inserted: no other one can see it before the commit,
    so it is held from now on as if it had been locked and read."""
    held = _held.get()
    if held is not None:
        held[ticket.pk] = ticket


def ticket_held(pk: int):
    held = _held.get()
    return None if held is None else held.get(pk)


def held_set(pk: int, **values) -> None:
    """After an UPDATE of the row: the held copy takes the same values."""
    ticket = ticket_held(pk)
    if ticket is not None:
        for name, value in values.items():
            setattr(ticket, name, value)


def held_forget() -> None:
    held = _held.get()
    if held is not None:
        held.clear()


def held_fact(pk: int, name: str, compute):
    """Something read about a held ticket (its latest customer message), read once while it is
    held; writers that change it call `held_note`."""
    ticket = ticket_held(pk)
    if ticket is None:
        return compute()
    facts = ticket.__dict__.setdefault("_held_facts", {})
    if name not in facts:
        facts[name] = compute()
    return facts[name]


def held_note(pk: int, name: str, value) -> None:
    ticket = ticket_held(pk)
    if ticket is not None:
        ticket.__dict__.setdefault("_held_facts", {})[name] = value
