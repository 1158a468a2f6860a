from django.apps import AppConfig


class TemplatesCatalogConfig(AppConfig):
    name = "templates_catalog"
    verbose_name = "Template catalog"
    default_auto_field = "django.db.models.BigAutoField"
