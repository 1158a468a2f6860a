from django.contrib.auth.models import Group, Permission

from escalations.core.config_cache import config_service
from escalations.tickets.roles import ROLE_PERMISSIONS


@config_service
def roles_sync() -> None:
    """Create the built-in groups and give each exactly its permissions."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    apps = {name.split(".", 1)[0] for name in wanted}
    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(content_type__app_label__in=apps).select_related(
            "content_type"
        )
    }
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permissions[c] for c in sorted(codenames) if c in permissions])
