"""A real django-q2 cluster, started beside the test, runs queued work from the database."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from escalations.core.actors import Actor
from escalations.rules.models import Rule, RuleDrill, RuleSet
from escalations.rules.services.drills import drill_start
from escalations.rules.services.rule_config import rule_save, rule_set_save
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


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
