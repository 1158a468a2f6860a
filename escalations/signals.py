from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="escalations_roles_sync")
def _sync_roles_after_migrate(sender, app_config=None, **kwargs) -> None:
    # After the last of the apps whose permissions the roles use.
    if app_config is None or app_config.label != "escalations":
        return
    from escalations.services.roles import roles_sync

    roles_sync()
