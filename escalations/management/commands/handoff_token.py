from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure


class Command(BaseCommand):
    help = (
        "Issue an API token for a login (or, with --integration, for an integration's login, "
        "created in the Integrations role if needed). The token is printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime (default 90)")
        parser.add_argument(
            "--integration", action="store_true", help="a bot or system, not a person"
        )

    def handle(self, *args, username, days, integration, **options):
        try:
            self._issue(username, days, integration)
        except DatabaseError as exc:
            raise CommandError(
                _(
                    "The database is not ready (%(error)s): run manage.py migrate, or "
                    "handoff_demo, with the same HANDOFF_VAR_DIR / DATABASE_URL first."
                )
                % {"error": exc}
            ) from None

    def _issue(self, username, days, integration) -> None:
        if integration:
            user = integration_user_ensure(username=username)
        else:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no login {username!r}.")
        try:
            token, raw = api_token_issue(user=user, days=days)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(f"Token for {username}, valid until {token.expiry:%Y-%m-%d %H:%M} UTC:")
        self.stdout.write(raw)
