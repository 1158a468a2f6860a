"""The embedded SQLite's write lock across a fork, as `gunicorn --preload` makes one: a parent
that has written (so holds a connection and a lock descriptor) forks its workers. An `flock`
belongs to the open file description, which a fork shares; the children must each open their
own, or they would not exclude each other and one's unlock would release the lock for all."""

import fcntl
import http.client
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest
from django.db import connections, transaction

from escalations.core.db.sqlite.base import DatabaseWrapper
from tests.helpers.servers import free_port, wait_for
from tests.helpers.sqlite import open_database as open_sqlite

ROOT = Path(__file__).resolve().parents[3]
ALIAS = "write-lock-fork-test"


def open_database(path, **options) -> DatabaseWrapper:
    """A connection of the embedded engine to `path`, registered for this thread. Without
    `transaction_mode`, BEGIN is deferred: a transaction that does not write holds the write
    lock and nothing of SQLite's, so only the lock keeps two of them apart."""
    return open_sqlite(path, ALIAS, **options)


# Forked while the session's live server thread runs (when browser tests share the run): the
# children only use connections of their own and leave with os._exit.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


@pytest.fixture(autouse=True)
def _own_database_file(django_db_blocker):
    """These tests use database files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def written(tmp_path):
    """A database the parent has written to, in a transaction: its connection and its lock
    descriptor are open, as a preloaded application's would be."""
    path = tmp_path / "fork.sqlite3"
    db = open_database(path)
    with db.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE log (who TEXT)")
    with transaction.atomic(using=ALIAS), db.cursor() as cursor:
        cursor.execute("INSERT INTO log VALUES ('parent')")
    yield path, db
    db.close()


def forked(work) -> int:
    """Runs `work` in a forked child; returns the child's pid. The child never returns here."""
    wrapper = connections[ALIAS]
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        # This test's alias is in no settings, only in Django's per-thread registry, which a
        # fork does not always carry over (it did not when the browser tests' threads ran):
        # the child registers the connection object it inherited.
        connections[ALIAS] = wrapper
        work()
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def exit_code(pid, seconds=20.0) -> int:
    """The child's exit code; a child still running after `seconds` is killed, and fails."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"the forked child {pid} did not end within {seconds} s")


def rows(db) -> list[str]:
    with db.cursor() as cursor:
        cursor.execute("SELECT who FROM log ORDER BY rowid")
        return [who for (who,) in cursor.fetchall()]


def test_children_of_a_parent_that_wrote_exclude_each_other(written, tmp_path):
    _, db = written
    spans = tmp_path / "spans"

    def child(name):
        def work():
            assert db.connection is None  # the parent's SQLite connection is not used here
            out = os.open(spans, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            for n in range(4):
                with transaction.atomic(using=ALIAS):
                    entered = time.monotonic()
                    time.sleep(0.04)
                    with db.cursor() as cursor:
                        cursor.execute("INSERT INTO log VALUES (%s)", [f"{name}{n}"])
                    left = time.monotonic()
                os.write(out, f"{entered} {left}\n".encode())

        return work

    children = [forked(child("a")), forked(child("b"))]

    assert [exit_code(pid) for pid in children] == [0, 0]
    held = sorted(tuple(map(float, line.split())) for line in spans.read_text().splitlines())
    assert len(held) == 8
    overlapping = [(a, b) for a, b in itertools.pairwise(held) if b[0] < a[1]]
    assert overlapping == []
    with transaction.atomic(using=ALIAS), db.cursor() as cursor:  # the parent writes on
        cursor.execute("INSERT INTO log VALUES ('parent again')")
    assert sorted(rows(db)) == sorted(
        ["parent", "parent again", *(f"{name}{n}" for name in "ab" for n in range(4))]
    )


def test_a_child_letting_go_does_not_release_the_parents_lock(written):
    path, db = written
    other = open(f"{path}.writelock", "a+b")  # noqa: SIM115 - as another process would hold it

    def free() -> bool:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True

    with transaction.atomic(using=ALIAS), db.cursor() as cursor:
        cursor.execute("INSERT INTO log VALUES ('held')")
        assert exit_code(forked(db.close)) == 0  # a worker closes what it was born with
        assert not free()
    assert free()
    other.close()
    assert rows(db) == ["parent", "held"]


def test_gunicorn_preload_workers_queue_their_writes(tmp_path):
    """Two workers of a preloaded gunicorn whose parent wrote before forking; 48 tickets posted
    from 4 threads: each answered 201, stored once, and both workers answered some."""
    port = free_port()
    log = tmp_path / "server.log"
    environment = {
        **os.environ,
        "HANDOFF_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'handoff.sqlite3'}",
        "HANDOFF_SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
        "HANDOFF_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HANDOFF_DEBUG": "0",
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
                *("--config", str(Path(__file__).with_name("gunicorn_preload.py"))),
                *("--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}"),
                *("--access-logfile", str(tmp_path / "access.log")),
                *("--access-logformat", "%(p)s %(s)s", "--log-level", "warning"),
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
    try:
        token = _token(tmp_path / "token", server)
        wait_for(port)
        statuses = _post_tickets(port, token, threads=4, each=12)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    assert statuses == [201] * 48, log.read_text()
    assert "database is locked" not in log.read_text()
    with sqlite3.connect(tmp_path / "handoff.sqlite3") as database:
        stored = database.execute(
            "SELECT subject, count(*) FROM escalations_ticket GROUP BY subject"
        ).fetchall()
    assert sorted(stored) == sorted((f"Forked {n}", 1) for n in range(48))
    workers = {line.split()[0] for line in (tmp_path / "access.log").read_text().splitlines()}
    assert len(workers) == 2


def _token(path, server, seconds=60) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert server.poll() is None, "gunicorn stopped before its workers started"
        assert time.monotonic() < deadline, "the preloaded parent did not set the database up"
        time.sleep(0.1)
    return path.read_text()


def _post_tickets(port, token, *, threads, each) -> list[int]:
    statuses = []

    def post(first):
        for n in range(first, first + each):
            body = {
                "workspace": "forked",
                "subject": f"Forked {n}",
                "body": "Where is my parcel?",
                "customer": {"email": f"customer{n}@example.org", "name": f"Customer {n}"},
            }
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            client.request("POST", "/api/tickets/", json.dumps(body), headers)
            response = client.getresponse()
            response.read()
            client.close()
            statuses.append(response.status)

    workers = [threading.Thread(target=post, args=(n * each,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses
