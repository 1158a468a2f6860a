from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from escalations import checks, signals  # noqa: F401
        from escalations.api import schema  # noqa: F401
