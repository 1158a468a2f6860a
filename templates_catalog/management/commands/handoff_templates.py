from django.core.management.base import BaseCommand, CommandError

from templates_catalog.schema import TemplateError
from templates_catalog.services import catalog_load, template_diagram


class Command(BaseCommand):
    help = "Load the workflow template catalog from fixtures/templates/ (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--diagram",
            metavar="SLUG",
            help="Print the template's workflow as an SVG diagram instead of loading.",
        )

    def handle(self, *args, diagram=None, **options):
        try:
            if diagram:
                self.stdout.write(template_diagram(diagram), ending="")
                return
            report = catalog_load()
        except TemplateError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Template catalog: {report}.")
