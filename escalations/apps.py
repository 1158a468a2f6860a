from importlib import import_module

from django.apps import AppConfig

# Each domain's listeners, registered in this order (the order of the domains' dependencies).
DOMAIN_HOOKS = (
    "escalations.tickets.hooks",
    "escalations.sla.hooks",
    "escalations.rules.hooks",
    "escalations.ai.hooks",
    "escalations.governance.hooks",
    "escalations.incidents.hooks",
)


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the models are loaded: these modules import models at their top.
        from escalations.core import checks, signals  # noqa: F401
        from escalations.core.api import schema  # noqa: F401

        for name in DOMAIN_HOOKS:
            import_module(name).register()
