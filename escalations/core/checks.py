"""System checks: configuration mistakes surface at start-up, not in a timer at 3 a.m."""

import django
from django.conf import settings
from django.core import checks

from escalations.core.db.compiled import VALIDATED_DJANGO, compiled_sql_enabled, django_validated

E_LOCAL_SECRET = "handoff.E001"


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs, **kwargs):
    """`manage.py check --deploy` fails while the generated local key is in use."""
    if getattr(settings, "HANDOFF_SECRET_KEY_FROM_ENV", True):
        return []
    return [
        checks.Error(
            "HANDOFF_SECRET_KEY is not set; a generated local key is in use.",
            hint="Set HANDOFF_SECRET_KEY in the environment of every web and cluster process.",
            id=E_LOCAL_SECRET,
        )
    ]


W_ONE_WORKER = "handoff.W003"


@checks.register()
def check_a_worker_is_left_beside_the_sweeper(app_configs, **kwargs):
    """The sweeper loop holds one worker; with one worker nothing else would ever run."""
    workers = getattr(settings, "Q_CLUSTER", {}).get("workers")
    if workers is not None and workers < 2:
        return [
            checks.Warning(
                f"HANDOFF_Q_WORKERS is {workers}: the deadline sweeper holds one worker, so "
                "notifications, webhooks and drills would wait behind it.",
                hint="Run at least 2 workers per cluster.",
                id=W_ONE_WORKER,
            )
        ]
    return []


E_Q_RETRY = "handoff.E002"


@checks.register()
def check_task_retry_exceeds_timeout(app_configs, **kwargs):
    """A task handed out again before its timeout runs twice at once."""
    cluster = getattr(settings, "Q_CLUSTER", {})
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    if timeout is not None and retry is not None and retry <= timeout:
        return [
            checks.Error(
                f"HANDOFF_Q_RETRY ({retry} s) must be longer than HANDOFF_Q_TIMEOUT ({timeout} s).",
                hint="Otherwise a slow task is handed to a second worker while the first still "
                "runs it.",
                id=E_Q_RETRY,
            )
        ]
    return []


W_COMPILED_SQL_UNVALIDATED = "handoff.W004"


@checks.register()
def check_compiled_sql_on_a_validated_django(app_configs, **kwargs):
    """The compiled reads and inserts lean on Django internals, checked on a few releases only;
    on another one they should be turned off until they are checked there too."""
    if not compiled_sql_enabled() or django_validated():
        return []
    first, last = (".".join(map(str, release)) for release in VALIDATED_DJANGO)
    releases = first if first == last else f"{first} to {last}"
    return [
        checks.Warning(
            f"HANDOFF_COMPILED_SQL is on, and Django {django.get_version()} is not a release "
            f"escalations/core/db/compiled.py was checked on ({releases}).",
            hint="Set HANDOFF_COMPILED_SQL=0 (the plain ORM, same results) until the compiled "
            "reads and inserts are checked on this release and VALIDATED_DJANGO names it.",
            id=W_COMPILED_SQL_UNVALIDATED,
        )
    ]
