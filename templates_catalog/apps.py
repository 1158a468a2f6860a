from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TemplatesCatalogConfig(AppConfig):
    name = "templates_catalog"
    verbose_name = "Template catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported once the models are loaded: these modules import models at their top.
        from escalations.demo.seed import demo_extra_register
        from templates_catalog.demo import demo_moderation_seed  # as above: it imports models

        post_migrate.connect(_load_catalog, sender=self, dispatch_uid="handoff_catalog_load")
        demo_extra_register(demo_moderation_seed)


def _load_catalog(sender, using="default", **kwargs):
    """First set-up (and every migrate after): the catalog matches the template files."""
    # Imported when called: an AppConfig module loads before any model.
    from templates_catalog.services import catalog_load

    catalog_load()
