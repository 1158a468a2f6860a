"""The embedded SQLite queues writers on a lock file beside the database: a transaction holds
it from BEGIN to its end, a writer (in a transaction or alone) waits for it and goes on when it
is given back, and a writer that waits past the database timeout is told so."""

import fcntl
import threading

import pytest
from django.db import OperationalError, transaction

from escalations.core.db.sqlite.base import DatabaseWrapper
from tests.helpers.sqlite import open_database as open_sqlite

ALIAS = "write-queue-test"


def open_database(path, timeout=5.0) -> DatabaseWrapper:
    """A connection of the embedded engine to `path`, registered for this thread."""
    return open_sqlite(path, ALIAS, timeout=timeout, transaction_mode="IMMEDIATE")


@pytest.fixture(autouse=True)
def _own_database_file(django_db_blocker):
    """These tests use a database file of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.sqlite3"
    db = open_database(path)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE log (n INTEGER)")
    db.close()
    return path


class QueueHeld:
    """The write queue taken from outside, as another process would hold it."""

    def __init__(self, path):
        self.file = open(f"{path}.writelock", "a+b")  # noqa: SIM115

    def take(self, wait=False) -> bool:
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            return True
        except BlockingIOError:
            return False

    def give(self):
        fcntl.flock(self.file, fcntl.LOCK_UN)


def write_in_thread(path, log, *, in_transaction=True):
    def write():
        db = open_database(path)
        try:
            if in_transaction:
                with transaction.atomic(using=ALIAS), db.cursor() as cursor:
                    cursor.execute("INSERT INTO log VALUES (1)")
            else:
                with db.cursor() as cursor:
                    cursor.execute("INSERT INTO log VALUES (1)")
            log.append("written")
        finally:
            db.close()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@pytest.mark.parametrize("in_transaction", [True, False], ids=["transaction", "autocommit"])
def test_a_writer_waits_while_the_queue_is_held_and_goes_on_after(database, in_transaction):
    queue, log = QueueHeld(database), []
    assert queue.take()
    writer = write_in_thread(database, log, in_transaction=in_transaction)
    writer.join(0.3)
    assert writer.is_alive() and log == []  # SQLite itself is not locked: it waits on the queue
    log.append("given back")
    queue.give()
    writer.join(10)
    assert log == ["given back", "written"]


def test_a_transaction_holds_the_queue_from_begin_to_its_end(database):
    queue = QueueHeld(database)
    db = open_database(database)
    with transaction.atomic(using=ALIAS):
        assert not queue.take()
    assert queue.take()
    queue.give()
    try:
        with transaction.atomic(using=ALIAS):
            assert not queue.take()
            raise ValueError("rolled back")
    except ValueError:
        pass
    assert queue.take()
    queue.give()
    db.close()


def test_a_writer_waiting_past_the_timeout_is_told_the_database_is_locked(database):
    queue = QueueHeld(database)
    assert queue.take()
    db = open_database(database, timeout=0.2)
    with (
        pytest.raises(OperationalError, match="held the write lock too long"),
        transaction.atomic(using=ALIAS),
    ):
        pass
    queue.give()
    with transaction.atomic(using=ALIAS), db.cursor() as cursor:  # nothing was left held
        cursor.execute("INSERT INTO log VALUES (2)")
    db.close()
