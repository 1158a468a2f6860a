"""The demo as a person runs it: `manage.py handoff_demo` in a terminal, then Ctrl-C."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings

from escalations.management.commands.handoff_demo import allowed_hosts_for, split_addr

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def _descendants(root: int) -> set[int]:
    children, found, todo = _children(), set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _demo_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HANDOFF_")}
    env.pop("DATABASE_URL", None)  # the demo runs on its embedded SQLite
    env.update(HANDOFF_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    return env


def _login_again(tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "handoff_demo", "--login"],
        cwd=ROOT,
        env=_demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def demo(tmp_path):
    """The demo started as a terminal starts a command: in a process group of its own, which
    is the group a terminal's Ctrl-C is sent to."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "handoff_demo", "--addr", f"0.0.0.0:{port}"],
        cwd=ROOT,
        env=_demo_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    console: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        console.append(line)
        if "Press Ctrl-C" in line:
            break
    try:
        assert "Press Ctrl-C" in "".join(console), "".join(console)
        yield process, port, console, tmp_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in _descendants(process.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        process.wait()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_ctrl_c_on_the_demo_stops_every_process_it_started(demo):
    process, port, console, tmp_path = demo
    # Wait until the cluster has forked its sentinel, workers, monitor and pusher.
    deadline = time.monotonic() + 30
    started = _descendants(process.pid)
    while len(started) < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
        started = _descendants(process.pid)
    assert len(started) >= 6, started

    # The console is quiet: what was loaded, then the login, last.
    text = "".join(console)
    assert len(console) < 20, text
    assert "Enqueued" not in text and "Subject:" not in text
    assert "Log in as:      manager /" in text
    assert "handoff_demo --login" in text

    # Served on every interface, it answers a host name it was not told about.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/admin/login/", headers={"Host": f"handoff.example:{port}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    # Ctrl-C as a terminal sends it: SIGINT to the whole foreground process group, twice in a
    # short while as an impatient person does.
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    time.sleep(0.5)
    assert [pid for pid in started if _running(pid)] == []
    assert (tmp_path / "var" / "demo.log").read_text().count("Enqueued") > 0

    # The login can be shown again without starting anything.
    again = _login_again(tmp_path)
    assert again.returncode == 0, again.stderr
    password = (tmp_path / "var" / "demo_password").read_text().strip()
    assert f"manager / {password}" in again.stdout
    assert f"http://127.0.0.1:{port}/admin/" in again.stdout  # where it served, not the default
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2)


def test_login_again_before_any_demo_says_to_start_it(tmp_path):
    result = _login_again(tmp_path)
    assert result.returncode != 0
    assert "run handoff_demo first" in result.stderr


def test_the_demo_reads_an_address_as_runserver_does():
    assert split_addr("0.0.0.0:9000") == ("0.0.0.0", "9000")
    assert split_addr("[::1]:9000") == ("[::1]", "9000")
    assert split_addr("9000") == ("127.0.0.1", "9000")


@override_settings(ALLOWED_HOSTS=["localhost", "127.0.0.1"])
def test_serving_on_one_address_allows_that_address(monkeypatch):
    monkeypatch.delenv("HANDOFF_ALLOWED_HOSTS", raising=False)
    hosts, note = allowed_hosts_for("192.0.2.7")
    assert hosts == ["localhost", "127.0.0.1", "192.0.2.7"]
    assert note is None


@override_settings(ALLOWED_HOSTS=["localhost", "127.0.0.1"])
def test_serving_on_every_interface_answers_any_host_and_says_so(monkeypatch):
    monkeypatch.delenv("HANDOFF_ALLOWED_HOSTS", raising=False)
    hosts, note = allowed_hosts_for("0.0.0.0")
    assert hosts == ["*"]
    assert "HANDOFF_ALLOWED_HOSTS" in note


@override_settings(ALLOWED_HOSTS=["handoff.example"])
def test_configured_allowed_hosts_are_kept_and_a_missing_address_is_named(monkeypatch):
    monkeypatch.setenv("HANDOFF_ALLOWED_HOSTS", "handoff.example")
    hosts, note = allowed_hosts_for("192.0.2.7")
    assert hosts == ["handoff.example"]
    assert "192.0.2.7 is not in HANDOFF_ALLOWED_HOSTS" in note


def test_a_token_asked_of_a_database_never_migrated_says_what_to_run(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "handoff_token", "bot", "--integration"],
        cwd=ROOT,
        env=_demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "run manage.py migrate" in result.stderr
