"""SQLite, with writers queued on an operating-system lock instead of SQLite's busy handler.

Every transaction on the embedded database writes (BEGIN IMMEDIATE), and SQLite makes a writer
that finds the database locked sleep and try again, in steps of up to 100 ms: under a few
concurrent requests, a 5 ms transaction could wait a quarter of a second. Here a transaction
first takes an exclusive `flock` on a file beside the database (`<database>.writelock`), polled
without blocking with a back-off from FIRST_PAUSE to LONGEST_PAUSE, so a waiter notices within
2 ms that the previous transaction ended; SQLite's own lock is then free. Waiting is bounded
by the database `timeout` option, after which the usual "database is locked" error is raised.
Without `fcntl` (Windows) this is plain SQLite.

A forked process (a gunicorn worker of a `--preload`ed application, a multiprocessing child)
lets go of what it inherited, in `os.register_at_fork`: an `flock` belongs to the open file
description, which a fork shares, so children writing through the parent's descriptor would
not exclude each other and one child's unlock would release everyone's. It opens its own lock
file and its own SQLite connection; the inherited connection is never used nor closed, as SQLite
asks (closing it in a child can clean up the database under the parent). The unforked path is
unchanged: nothing is checked when a lock is taken.
"""

import ctypes
import os
import time
import weakref
from contextlib import contextmanager
from functools import partial

from django.db import OperationalError
from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

FIRST_PAUSE = 0.0002
LONGEST_PAUSE = 0.002


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_WRAPPERS = weakref.WeakSet()  # every connection of this engine in this process


class _Cursor(base.SQLiteCursorWrapper):
    """A write outside a transaction (autocommit) queues on the lock too."""

    def __init__(self, connection, *, wrapper):
        super().__init__(connection)
        self._wrapper = wrapper

    def execute(self, query, params=None):
        with _queued_if_alone(self._wrapper, query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with _queued_if_alone(self._wrapper, query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_file = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _WRAPPERS.add(self)

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=partial(_Cursor, wrapper=self))

    def _start_transaction_under_autocommit(self):
        self._write_lock_take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._write_lock_give()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._write_lock_give()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._write_lock_give()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._write_lock_give()
            if self._write_lock_file is not None:
                self._write_lock_file.close()
                self._write_lock_file = None

    def _write_lock_take(self) -> None:
        if fcntl is None or self.is_in_memory_db():
            return
        if self._write_lock_file is None:
            # Unbuffered: no buffer lock that a fork could catch held (see _inherited_let_go).
            path = f"{self.settings_dict['NAME']}.writelock"
            self._write_lock_file = open(path, "a+b", buffering=0)  # noqa: SIM115
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = FIRST_PAUSE
        while True:
            try:
                fcntl.flock(self._write_lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError(
                        "database is locked (another transaction held the write lock too long)"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)

    def _write_lock_give(self) -> None:
        if self._write_lock_file is not None:
            fcntl.flock(self._write_lock_file, fcntl.LOCK_UN)

    def _inherited_let_go(self) -> None:
        """In a forked process: the inherited lock descriptor is closed without unlocking (a lock
        the parent holds stays held) and the inherited connection is dropped without closing,
        so the next query connects and queues afresh. A transaction the parent was in is left as
        Django leaves one whose connection closed: to be rolled back. An in-memory database, a
        copy of the parent's that no one else sees, is kept."""
        if self._write_lock_file is not None:
            self._write_lock_file.close()  # this process's descriptor; the parent's lock stays
            self._write_lock_file = None
        if self.connection is not None and not self.is_in_memory_db():
            # One reference more than anyone gives back: the object is never freed, not even as
            # the interpreter exits, and so never closed here (https://sqlite.org/howtocorrupt.html,
            # "Carrying an open database connection across a fork()").
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(self.connection))
            self.connection = None
            self.run_on_commit = []
            if self.in_atomic_block:
                self.closed_in_transaction = True
                self.needs_rollback = True


def _after_fork_in_child() -> None:
    for wrapper in list(_WRAPPERS):
        wrapper._inherited_let_go()


if fcntl is not None:
    os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def _queued_if_alone(wrapper: DatabaseWrapper, query: str):
    if not _alone(wrapper, query):
        yield
        return
    wrapper._write_lock_take()
    try:
        yield
    finally:
        wrapper._write_lock_give()


def _alone(wrapper: DatabaseWrapper, query: str) -> bool:
    """A write that is its own transaction."""
    return (
        not wrapper.in_atomic_block
        and wrapper.get_autocommit()
        and query.lstrip()[:7].upper().startswith(_WRITES)
    )
