"""Run the deadline sweeper in the foreground, for a process manager (systemd, Kubernetes)."""

from django.core.management.base import BaseCommand

from escalations.sla.services.sweeper import sweeper_run


class Command(BaseCommand):
    help = "Fire due SLA, ladder, snooze and no-reply deadlines until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seconds", type=float, default=0, help="Stop after this long (0: run until stopped)."
        )

    def handle(self, *args, seconds: float, **options):
        forever = not seconds
        while True:
            fired = sweeper_run(seconds=seconds or 60)
            if fired is None:
                self.stderr.write("Another sweeper holds the lease; waiting for it.")
                import time

                time.sleep(5)
            elif not forever:
                self.stdout.write(f"Fired {fired} deadlines.")
                return
