from django.core.management.base import BaseCommand, CommandError

from templates_catalog.schema import TemplateError
from templates_catalog.services import catalog_load


class Command(BaseCommand):
    help = "Load the workflow template catalog from fixtures/templates/ (safe to run again)."

    def handle(self, *args, **options):
        try:
            report = catalog_load()
        except TemplateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Template catalog: {report}.")
