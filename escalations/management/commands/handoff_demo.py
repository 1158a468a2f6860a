"""Set up and run the demo: migrate, load demo data, start the web server and a cluster.

The console shows only what a person needs: what was loaded and, last, how to log in. Everything
the processes print (queue logs, e-mails from the console backend, requests) goes to
`var/demo.log`. The web server and the cluster each run in a session of their own, so a
terminal's Ctrl-C reaches only this command, which then stops each of them with one signal and,
after a grace period, kills whatever is left of their process groups.
"""

import contextlib
import ctypes
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.db.models import Count
from django.utils.translation import gettext as _

from escalations.demo.seed import MANAGER_USERNAME, demo_accounts_reset, demo_logins, demo_seed
from escalations.tickets.models import Workspace

# How long the web server and the cluster get to stop on their own before they are killed.
STOP_GRACE_SECONDS = 10
# How long the web server gets to start answering before the demo gives up.
START_TIMEOUT_SECONDS = 60
_ALL_INTERFACES = {"0.0.0.0", "::", "[::]"}


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


def demo_log_path() -> Path:
    return Path(settings.VAR_DIR) / "demo.log"


DEFAULT_ADDR = "127.0.0.1:8000"


def _addr_path() -> Path:
    return Path(settings.VAR_DIR) / "demo_addr"


def last_addr() -> str:
    """The address the demo last served on (kept in var/), for `--login` without `--addr`."""
    try:
        return _addr_path().read_text().strip() or DEFAULT_ADDR
    except FileNotFoundError:
        return DEFAULT_ADDR


def split_addr(addr: str) -> tuple[str, str]:
    """`host:port`, `[v6]:port` or a bare port, as runserver takes them."""
    host, sep, port = addr.rpartition(":")
    if not sep:
        return "127.0.0.1", addr
    return host or "127.0.0.1", port


def allowed_hosts_for(host: str) -> tuple[list[str], str | None]:
    """The hosts the served demo must accept, and a note when the person should know why.

    Serving on every interface accepts any host name, unless HANDOFF_ALLOWED_HOSTS says
    otherwise; serving on one name or address adds it to the configured list."""
    configured = list(settings.ALLOWED_HOSTS)
    explicit = "HANDOFF_ALLOWED_HOSTS" in os.environ
    bare = host.strip("[]")
    if host in _ALL_INTERFACES:
        if explicit:
            return configured, _(
                "Serving on every interface; only the hosts in HANDOFF_ALLOWED_HOSTS (%s) "
                "are answered."
            ) % ", ".join(configured)
        return ["*"], _(
            "Serving on every interface: requests for any host name are answered. Set "
            "HANDOFF_ALLOWED_HOSTS to the names people use to restrict that."
        )
    if bare in configured or host in configured or "*" in configured:
        return configured, None
    if explicit:
        return configured, _(
            "%(host)s is not in HANDOFF_ALLOWED_HOSTS: add it there, or requests for it are "
            "answered 400."
        ) % {"host": bare}
    return [*configured, bare], None


def _die_with_parent() -> None:
    """Run in the child before it starts: on Linux, stop when the demo command dies, even by
    SIGKILL, so no cluster keeps firing deadlines for a demo that has gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Stop(Exception):
    """A signal asked the demo to stop."""


class Command(BaseCommand):
    help = _("Prepare the database with demo data and run Handoff with a django-q2 cluster.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr",
            default=None,
            help=_("host:port to serve on (default %(default)s; --login: where it last served)")
            % {"default": DEFAULT_ADDR},
        )
        parser.add_argument(
            "--no-serve", action="store_true", help=_("Only migrate and load the demo data.")
        )
        parser.add_argument(
            "--login",
            action="store_true",
            help=_("Print how to log in to the demo again, and change nothing."),
        )

    def handle(self, *args, addr: str | None, no_serve: bool, login: bool, **options):
        if login:
            logins = self._existing_logins()
            self._print_login(addr or last_addr(), demo_password(), logins)
            return
        addr = addr or DEFAULT_ADDR
        self._log_to_file()
        call_command("migrate", interactive=False, verbosity=0)
        password = demo_password()
        result = demo_seed()
        logins = demo_accounts_reset(password=password)
        what = _("Loaded") if result.created else _("Found")
        self.stdout.write(
            _("%(what)s the demo workspace %(workspace)s (%(tickets)s tickets).")
            % {"what": what, "workspace": result.workspace, "tickets": result.tickets}
        )
        others = Workspace.objects.exclude(pk=result.workspace.pk).annotate(n=Count("tickets"))
        for workspace in others.order_by("name"):
            self.stdout.write(
                _("  and %(workspace)s (%(tickets)s tickets).")
                % {"workspace": workspace.name, "tickets": workspace.n}
            )
        if no_serve:
            self._print_login(addr, password, logins)
            return
        self._serve(addr, password, logins)

    def _existing_logins(self) -> list[str]:
        logins = demo_logins()
        try:
            present = set(
                User.objects.filter(username__in=logins).values_list("username", flat=True)
            )
        except DatabaseError:  # not even migrated
            present = set()
        if MANAGER_USERNAME not in present:
            raise CommandError(_("There is no demo here yet: run handoff_demo first."))
        return [login for login in logins if login in present]

    def _log_to_file(self) -> None:
        """This process's log lines go to var/demo.log, as the web server's and cluster's do."""
        path = demo_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        for old in list(root.handlers):
            if isinstance(old, logging.StreamHandler) and not isinstance(old, logging.FileHandler):
                root.removeHandler(old)
        root.addHandler(handler)

    def _print_login(self, addr: str, password: str, logins: list[str]) -> None:
        host, port = split_addr(addr)
        shown = "127.0.0.1" if host in _ALL_INTERFACES else host
        agents = ", ".join(login for login in logins if login != MANAGER_USERNAME)
        lines = [
            "",
            _("  Handoff admin:  http://%(host)s:%(port)s/admin/") % {"host": shown, "port": port},
            _("  Log in as:      %(login)s / %(password)s   (support manager)")
            % {"login": MANAGER_USERNAME, "password": password},
            _("  Agents:         %(agents)s (same password)") % {"agents": agents},
            _("  Logs and e-mails: %(path)s") % {"path": demo_log_path()},
            _("  Show this again: manage.py handoff_demo --login"),
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def _serve(self, addr: str, password: str, logins: list[str]) -> None:
        host, _port = split_addr(addr)
        hosts, note = allowed_hosts_for(host)
        env = {**os.environ, "HANDOFF_ALLOWED_HOSTS": ",".join(hosts), "PYTHONUNBUFFERED": "1"}
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        stopping = self._catch_stop_signals()
        log = open(demo_log_path(), "a", encoding="utf-8")  # noqa: SIM115 - kept for the run
        children: list[subprocess.Popen] = []
        try:
            for command in (["qcluster"], ["runserver", addr, "--noreload"]):
                children.append(
                    subprocess.Popen(
                        [*manage, *command],
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        preexec_fn=_die_with_parent,
                    )
                )
            self._wait_until_answering(addr, children)
            _addr_path().write_text(addr)
            if note:
                self.stdout.write(self.style.WARNING(note))
            self._print_login(addr, password, logins)
            self.stdout.write(_("  Press Ctrl-C to stop the web server and the cluster.\n"))
            self.stdout.flush()
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            failed = True
        except _Stop:
            failed = False
            self.stdout.write(_("Stopping the web server and the cluster…"))
            self.stdout.flush()
        finally:
            self._stop(children, stopping)
            log.close()
        if failed:
            raise CommandError(
                _("A process of the demo stopped unexpectedly; see %(path)s.")
                % {"path": demo_log_path()}
            )

    def _catch_stop_signals(self) -> dict:
        """Ctrl-C, a process manager's SIGTERM and a closing terminal's SIGHUP all stop the demo,
        even when started in the background (where a shell leaves SIGINT ignored). A second
        signal while stopping kills what is left at once."""
        state = {"stopping": False, "hurry": False}

        def handler(signum, frame):
            if state["stopping"]:
                state["hurry"] = True
                return
            state["stopping"] = True
            raise _Stop

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, handler)
        return state

    def _wait_until_answering(self, addr: str, children: list[subprocess.Popen]) -> None:
        host, port = split_addr(addr)
        target = "127.0.0.1" if host in _ALL_INTERFACES else host.strip("[]")
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                return
            try:
                with socket.create_connection((target, int(port)), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)

    def _stop(self, children: list[subprocess.Popen], state: dict) -> None:
        """One SIGTERM to each child's main process (django-q2 stops its sentinel and workers
        in order), then SIGKILL to whatever is left in each child's process group."""
        state["stopping"] = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline and not state["hurry"]:
            if all(child.poll() is not None for child in children):
                break
            time.sleep(0.1)
        for child in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
