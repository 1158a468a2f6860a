from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from escalations.core import checks, signals  # noqa: F401
        from escalations.core.api import schema  # noqa: F401
