"""What the tickets domain registers at start-up: its configuration, and the roles kept in step
with the permissions after every migrate."""

from django.db.models.signals import post_migrate

from escalations.core.signals import configuration_register
from escalations.tickets.services.directory import roles_sync


def _sync_roles_after_migrate(sender, app_config=None, **kwargs) -> None:
    # After each app whose permissions the roles use (the catalog's come last).
    if app_config is None or app_config.label not in ("escalations", "templates_catalog"):
        return
    roles_sync()


def register() -> None:
    configuration_register(
        models=(
            "escalations.Workspace",
            "escalations.Team",
            "escalations.Agent",
            "escalations.TeamMembership",
            "escalations.CustomStatus",
            "escalations.CustomFieldDefinition",
            "escalations.SignedCaller",
        ),
        links=("escalations.CustomStatus.next_statuses",),
    )
    post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="escalations_roles_sync")
