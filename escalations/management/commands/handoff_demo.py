"""Set up and run the demo: migrate, load demo data, start the web server and a cluster."""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db.models import Count

from escalations.models import Workspace
from escalations.services.demo import MANAGER_USERNAME, demo_accounts_reset, demo_seed


def demo_password() -> str:
    """HANDOFF_DEMO_PASSWORD, or one generated at the first start and kept in var/."""
    if os.environ.get("HANDOFF_DEMO_PASSWORD"):
        return os.environ["HANDOFF_DEMO_PASSWORD"]
    path = Path(settings.VAR_DIR) / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Prepare the database with demo data and run Handoff with a django-q2 cluster."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument(
            "--no-serve", action="store_true", help="Only migrate and load the demo data."
        )

    def handle(self, *args, addr: str, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        password = demo_password()
        result = demo_seed()
        logins = demo_accounts_reset(password=password)
        what = "Loaded" if result.created else "Found"
        self.stdout.write(
            f"{what} the demo workspace {result.workspace} ({result.tickets} tickets)."
        )
        others = Workspace.objects.exclude(pk=result.workspace.pk).annotate(n=Count("tickets"))
        for workspace in others.order_by("name"):
            self.stdout.write(f"  and {workspace.name} ({workspace.n} tickets).")
        if no_serve:
            self._print_login(addr, password, logins)
            return
        self._serve(addr, password, logins)

    def _print_login(self, addr: str, password: str, logins: list[str]) -> None:
        agents = ", ".join(login for login in logins if login != MANAGER_USERNAME)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Handoff admin:  http://{addr}/admin/\n"
                f"  Log in as:      {MANAGER_USERNAME} / {password}   (support manager)\n"
                f"  Agents:         {agents} (same password)\n"
            )
        )

    def _serve(self, addr: str, password: str, logins: list[str]) -> None:
        # Stop cleanly on Ctrl-C and on a process manager's SIGTERM, even when started in the
        # background (where a shell leaves SIGINT ignored).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        cluster = subprocess.Popen([*manage, "qcluster"])
        web = subprocess.Popen([*manage, "runserver", addr, "--noreload"])
        time.sleep(1.5)
        self._print_login(addr, password, logins)
        self.stdout.write("  Press Ctrl-C to stop the web server and the cluster.\n")
        self.stdout.flush()
        try:
            while web.poll() is None and cluster.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, cluster):
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in (web, cluster):
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if web.returncode not in (0, None, -signal.SIGINT) or cluster.returncode not in (
            0,
            None,
            -signal.SIGINT,
        ):
            self.stderr.write("A process stopped unexpectedly; see the log above.")
