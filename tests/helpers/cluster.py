"""A real django-q2 cluster (`manage.py qcluster`) on the test database, started, stopped and
killed from a test."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers.servers import database_url

ROOT = Path(__file__).resolve().parents[2]


def start_cluster(**env) -> subprocess.Popen:
    """A real `manage.py qcluster` on the test database, in its own process group."""
    environment = {**os.environ, "DATABASE_URL": database_url(), "HANDOFF_Q_WORKERS": "2", **env}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_cluster(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def kill_cluster(process: subprocess.Popen) -> None:
    """SIGKILL the whole cluster (sentinel, workers, monitor) at once: no clean-up runs."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
