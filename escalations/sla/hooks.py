"""What the SLA engine listens to: every audit event (clocks start, pause, stop and are
resynced), public agent replies (the 'no agent reply' deadlines are cancelled), and the task
cluster starting (a sweeper loop is made sure of)."""

import logging

from django.db.models.signals import post_migrate
from django_q.signals import post_spawn

from escalations.core.hooks import AGENT_REPLIED, EVENT_RECORDED, WORKSPACE_SYSTEM_MOVES
from escalations.core.signals import configuration_register
from escalations.sla.models import LadderLevel
from escalations.sla.services.sweeper import sweeper_kick, watchdog_schedule_ensure
from escalations.sla.services.sync import sla_on_event
from escalations.sla.services.timers import no_reply_timers_cancel
from escalations.tickets.workflow import SystemMove

log = logging.getLogger("handoff.sweeper")


def _watchdog_after_migrate(sender, app_config=None, **kwargs) -> None:
    if app_config is None or app_config.label not in ("escalations", "templates_catalog"):
        return
    watchdog_schedule_ensure()


def _start_the_sweeper_with_the_cluster(sender, proc_name=None, **kwargs) -> None:
    """A worker started: make sure a sweeper loop is alive without waiting for the watchdog."""
    try:
        sweeper_kick()
    except Exception:  # the cluster must start even if the database is not ready yet
        log.exception("could not queue the sweeper loop")


def _sla_on_event(*, event) -> None:
    sla_on_event(event)


def _system_moves(*, workspace_id: int) -> list[str]:
    climbs = LadderLevel.objects.filter(ladder__workspace=workspace_id, to_team__isnull=False)
    return [SystemMove.ESCALATION] if climbs.exists() else []


def register() -> None:
    configuration_register(
        models=(
            "escalations.BusinessCalendar",
            "escalations.SlaPolicy",
            "escalations.SlaTarget",
            "escalations.EscalationLadder",
            "escalations.LadderLevel",
        ),
        links=("escalations.SlaPolicy.pause_custom_statuses",),
    )
    EVENT_RECORDED.listen(_sla_on_event, order=10, owner="sla")
    AGENT_REPLIED.listen(no_reply_timers_cancel, order=10, owner="sla")
    WORKSPACE_SYSTEM_MOVES.listen(_system_moves, order=30, owner="sla")
    post_migrate.connect(_watchdog_after_migrate, dispatch_uid="escalations_watchdog_schedule")
    post_spawn.connect(_start_the_sweeper_with_the_cluster, dispatch_uid="escalations_sweeper_kick")
