"""Upgrading: a status whose moves were never chosen meant "any move" before workflows; the
upgrade gives it every move the lifecycle can make, so existing workspaces keep working."""

from importlib import import_module

import pytest
from django.apps import apps

from escalations.tickets.models import CustomStatus

pytestmark = pytest.mark.django_db


def test_the_upgrade_gives_statuses_without_chosen_moves_every_move_the_lifecycle_makes(
    l1_team,
):
    upgrade = import_module("escalations.migrations.0034_workspace_workflows")
    workspace = l1_team.workspace

    def status(name, state):
        return CustomStatus.objects.create(
            workspace=workspace, name=name, slug=name.lower(), lifecycle_state=state
        )

    new, working, triage, parked, done, closed = (
        status("New", "new"),
        status("Working", "open"),
        status("Triage", "open"),
        status("Parked", "on_hold"),
        status("Done", "resolved"),
        status("Closed", "closed"),
    )
    working.next_statuses.set([done])  # chosen before the upgrade: kept as it is

    upgrade.materialise_any_moves(apps, None)

    def moves(source):
        return set(source.next_statuses.values_list("slug", flat=True))

    assert moves(working) == {"done"}
    assert moves(new) == {"working", "triage", "done"}  # New cannot go on hold in one step
    assert moves(triage) == {"working", "parked", "done"}
    assert moves(parked) == {"working", "triage", "done"}
    assert moves(done) == {"working", "triage", "closed"}
    assert moves(closed) == set()
