import logging

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from django_q.signals import post_spawn

log = logging.getLogger("handoff.sweeper")


@receiver(post_migrate, dispatch_uid="escalations_roles_sync")
def _sync_roles_after_migrate(sender, app_config=None, **kwargs) -> None:
    # After each app whose permissions the roles use (the catalog's come last).
    if app_config is None or app_config.label not in ("escalations", "templates_catalog"):
        return
    from escalations.sla.services.sweeper import watchdog_schedule_ensure
    from escalations.tickets.services.roles import roles_sync

    roles_sync()
    watchdog_schedule_ensure()


@receiver(post_spawn, dispatch_uid="escalations_sweeper_kick")
def _start_the_sweeper_with_the_cluster(sender, proc_name=None, **kwargs) -> None:
    """A worker started: make sure a sweeper loop is alive without waiting for the watchdog."""
    from escalations.sla.services.sweeper import sweeper_kick

    try:
        sweeper_kick()
    except Exception:  # the cluster must start even if the database is not ready yet
        log.exception("could not queue the sweeper loop")


# Configuration: what requests read again and again, and keep under the configuration token.
_CONFIGURATION = (
    "escalations.RuleSet",
    "escalations.Rule",
    "escalations.BusinessCalendar",
    "escalations.SlaPolicy",
    "escalations.SlaTarget",
    "escalations.EscalationLadder",
    "escalations.LadderLevel",
    "escalations.EscalationPolicy",
    # The AI policy's versions: the hand-over records which version it followed.
    "escalations.HistoricalEscalationPolicy",
    "escalations.Workspace",
    "escalations.Team",
    "escalations.Agent",
    "escalations.TeamMembership",
    "escalations.CustomStatus",
    "escalations.CustomFieldDefinition",
    "escalations.SignedCaller",
    "escalations.Integration",
    "escalations.WebhookSubscription",
    "escalations.RaciMatrix",
    "escalations.RaciRole",
    "escalations.RaciActivity",
    "escalations.RaciAssignment",
    "escalations.EscalationMatrix",
    "escalations.EscalationMatrixCell",
    "escalations.PriorityMatrix",
    "escalations.QualityChecklist",
    "escalations.WorkProcess",
    "escalations.ProcessStep",
    "auth.Group",
    "auth.Permission",
    "auth.User",
    "knox.AuthToken",
)


def _configuration_changed(sender, instance=None, update_fields=None, **kwargs) -> None:
    from escalations.core.config_cache import config_changed

    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login is not a change of configuration
    config_changed()


def _memberships_changed(sender, action=None, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        from escalations.core.config_cache import config_changed

        config_changed()


for _model in _CONFIGURATION:
    for _signal in (post_save, post_delete):
        _signal.connect(
            _configuration_changed,
            sender=_model,
            dispatch_uid=f"config_changed_{_signal is post_save}_{_model}",
        )


def configuration_links() -> tuple:
    """The many-to-many tables of configuration: a change to one is a change of configuration."""
    from django.contrib.auth.models import Group, User

    from escalations.governance.models import RaciRole, WorkProcess
    from escalations.sla.models import SlaPolicy
    from escalations.tickets.models import CustomStatus

    return (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
        SlaPolicy.pause_custom_statuses.through,
        CustomStatus.next_statuses.through,
        RaciRole.people.through,
        WorkProcess.gated_statuses.through,
        WorkProcess.reopen_statuses.through,
    )


def configuration_models() -> tuple[str, ...]:
    """The models whose rows are configuration (app_label.ModelName)."""
    return _CONFIGURATION


def _connect_memberships() -> None:
    for through in configuration_links():
        m2m_changed.connect(
            _memberships_changed, sender=through, dispatch_uid=f"config_m2m_{through.__name__}"
        )


_connect_memberships()
