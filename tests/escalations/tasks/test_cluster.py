"""A real django-q2 cluster, started beside the test, runs queued work from the database."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from escalations.actors import Actor
from escalations.models import Rule, RuleDrill, RuleSet
from escalations.services.drills import drill_start
from escalations.services.rule_config import rule_save, rule_set_save
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def cluster():
    env = {**os.environ, "DATABASE_URL": database_url(), "HANDOFF_Q_WORKERS": "1"}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_drill_is_run_by_the_cluster_with_its_progress(cluster, l1_team, actor):
    live = rule_set_save(rule_set=RuleSet(workspace=l1_team.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Tag all",
            triggers=["ticket_created"],
            actions=[{"type": "add_tags", "value": "seen"}],
        )
    )
    for n in range(3):
        make_ticket(team=l1_team, actor=actor, body=f"Hello {n}")

    drill = drill_start(
        rule_set=live,
        period_start=timezone.now() - timedelta(hours=1),
        period_end=timezone.now() + timedelta(minutes=1),
        actor=Actor.system("test"),
    )

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        drill.refresh_from_db()
        if drill.status in (RuleDrill.Status.DONE, RuleDrill.Status.FAILED):
            break
        time.sleep(0.5)
    assert drill.status == RuleDrill.Status.DONE, drill.error
    assert (drill.tickets_done, drill.tickets_total) == (3, 3)
    assert drill.report["totals"]["actual"]["firings"] == 3
    assert drill.report["totals"]["draft"]["firings"] == 3
