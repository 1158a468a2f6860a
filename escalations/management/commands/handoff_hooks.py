"""Who listens to what: every hook the core and the ticket lifecycle emit, with its listeners
in the order they run, and the timer kinds other domains handle."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from escalations.core.hooks import hooks_listing
from escalations.sla.services.timers import HANDLED_BY, HANDLERS


class Command(BaseCommand):
    help = _("List the hooks, what each one means, and who listens to it, in order.")

    def handle(self, *args, **options):
        for hook in hooks_listing():
            kind = _("asked") if hook.asks else _("emitted")
            self.stdout.write(self.style.MIGRATE_HEADING(f"{hook.name} ({kind})"))
            self.stdout.write(f"  {hook.doc}")
            if not hook.listeners:
                self.stdout.write("  " + _("(no listener)"))
            for listener in hook.listeners:
                self.stdout.write(f"  {listener.order:>3}  {listener.owner:<11} {listener.name}")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Timer kinds handled by other domains")))
        for kind, owner in sorted(HANDLED_BY.items()):
            handler = HANDLERS[kind]
            self.stdout.write(
                f"  {kind:<16} {owner:<11} {handler.__module__}.{handler.__qualname__}"
            )
