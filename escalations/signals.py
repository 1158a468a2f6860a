import logging

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from django_q.signals import post_spawn

log = logging.getLogger("handoff.sweeper")


@receiver(post_migrate, dispatch_uid="escalations_roles_sync")
def _sync_roles_after_migrate(sender, app_config=None, **kwargs) -> None:
    # After the last of the apps whose permissions the roles use.
    if app_config is None or app_config.label != "escalations":
        return
    from escalations.services.roles import roles_sync
    from escalations.services.sweeper import watchdog_schedule_ensure

    roles_sync()
    watchdog_schedule_ensure()


@receiver(post_spawn, dispatch_uid="escalations_sweeper_kick")
def _start_the_sweeper_with_the_cluster(sender, proc_name=None, **kwargs) -> None:
    """A worker started: make sure a sweeper loop is alive without waiting for the watchdog."""
    from escalations.services.sweeper import sweeper_kick

    try:
        sweeper_kick()
    except Exception:  # the cluster must start even if the database is not ready yet
        log.exception("could not queue the sweeper loop")


@receiver(post_save, sender="escalations.WebhookSubscription", dispatch_uid="webhook_subs_saved")
@receiver(
    post_delete, sender="escalations.WebhookSubscription", dispatch_uid="webhook_subs_deleted"
)
@receiver(post_save, sender="escalations.Integration", dispatch_uid="webhook_integration_saved")
def _webhook_subscriptions_changed(**kwargs) -> None:
    from escalations.services.webhooks import subscriptions_changed

    subscriptions_changed()


_CONFIGURATION = (
    "RuleSet",
    "Rule",
    "BusinessCalendar",
    "SlaPolicy",
    "SlaTarget",
    "EscalationPolicy",
    "Workspace",
)


def _configuration_changed(**kwargs) -> None:
    """Configuration read once per unit of work is read again after it changes in one."""
    from escalations.services.dispatch import memo_clear

    memo_clear()


for _model in _CONFIGURATION:
    for _signal in (post_save, post_delete):
        _signal.connect(
            _configuration_changed,
            sender=f"escalations.{_model}",
            dispatch_uid=f"memo_clear_{_signal is post_save}_{_model}",
        )
