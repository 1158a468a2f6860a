"""gunicorn settings for test_sqlite_write_lock_fork: before the preloaded parent forks its
workers, it makes the schema, a workspace and an integration's token through its own
connection, so that the workers are born holding that connection and its write-lock descriptor.
The raw token is written to `token` in HANDOFF_VAR_DIR."""

from pathlib import Path


class _NoMigrations(dict):
    """Tables made from the models, as `pytest --nomigrations` does: the migrations take longer
    than the test."""

    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None


def when_ready(server):
    # Django is loaded (--preload) when gunicorn calls this.
    from django.conf import settings
    from django.core.management import call_command

    from escalations.tickets.models import Team, Workspace
    from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure

    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)
    workspace = Workspace.objects.create(name="Forked", slug="forked")
    Team.objects.create(workspace=workspace, name="Support", slug="support")
    _, raw = api_token_issue(user=integration_user_ensure(username="fork-bot"), days=1)
    (Path(settings.VAR_DIR) / "token").write_text(raw)
