"""Configuration kept in the process between requests.

Every request reads the configuration token once (one indexed row); what a process has read of
the configuration under that token (the live rule set, SLA and escalation policies, calendars,
custom field definitions, permissions, signed callers) is used again without a query. Any
change to configuration, through the admin, the API, an import or a service, gives a new token
in the same transaction (see `signals`), so a committed change is seen by the next request of
every process, and an uncommitted one by nobody else.
"""

import functools
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from escalations.core.db.compiled import CompiledRead
from escalations.core.models import ConfigRevision
from escalations.core.unit_of_work import memo_clear, memoised

MAX_KEPT = 4096
_kept: dict[tuple, tuple[str, Any]] = {}
# Called as observer(name, compute) -> value instead of compute() when set; the test that every
# table a kept computation reads is invalidated by a change uses it to watch the reads.
compute_observer: Callable[[str, Callable[[], Any]], Any] | None = None


def config_revision() -> str:
    """The token, read once per request or unit of work ("" before any configuration)."""
    return memoised(("config_revision",), _read_token)


_token = CompiledRead(
    lambda pk: ConfigRevision.objects.filter(pk=pk).values_list("token", flat=True)
)


def _read_token() -> str:
    return next(iter(_token(1)), None) or ""


def config_cached(name: str, key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()`, or what it gave under the current token. Values are shared: read-only."""
    token = config_revision()
    if compute_observer is not None:
        compute = functools.partial(compute_observer, name, compute)
    if not token:
        return compute()
    entry = _kept.get((name, key))
    if entry is not None and entry[0] == token:
        return entry[1]
    value = compute()
    if len(_kept) >= MAX_KEPT:
        _kept.clear()
    _kept[(name, key)] = (token, value)
    return value


def config_service(function: Callable) -> Callable:
    """Decorate a write of configuration (a workspace, its statuses, teams, rules, SLA and AI
    policies, matrices, processes, roles): the admin, the spreadsheet imports and the catalog
    write configuration through services decorated so.

    The service runs in one transaction (a savepoint when called inside another). Configuration
    models are saved with `save()`, so django-simple-history records each version with who and
    when; each save already gives a new configuration token (see `signals`). When the
    outermost configuration service ends and nothing it did gave a new token (a write with
    `update()`, which sends no signal), it gives one itself: a committed change of
    configuration is never missed by the caches of other processes.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if _changes.get() is not None:  # inside another configuration service
            with transaction.atomic():
                return function(*args, **kwargs)
        seen = {"changed": False}
        token = _changes.set(seen)
        try:
            with transaction.atomic():
                result = function(*args, **kwargs)
                if not seen["changed"]:
                    config_changed()
                return result
        finally:
            _changes.reset(token)

    return wrapper


# Inside a configuration service: whether the token changed yet (see `config_service`).
_changes: ContextVar[dict | None] = ContextVar("handoff_config_changes", default=None)


def config_changed() -> None:
    """Configuration changed in this transaction: a new token commits (or not) with it."""
    seen = _changes.get()
    if seen is not None:
        seen["changed"] = True
    token = uuid.uuid4().hex
    if not ConfigRevision.objects.filter(pk=1).update(token=token):
        ConfigRevision.objects.update_or_create(pk=1, defaults={"token": token})
    memo_clear()
