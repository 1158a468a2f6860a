"""A connection of the embedded SQLite engine to a database file of a test's own."""

from django.db import connections

from escalations.core.db.sqlite.base import DatabaseWrapper


def open_database(path, alias: str, **options) -> DatabaseWrapper:
    """A connection to `path` under `alias`, registered for this thread. `options` go to the
    engine (`timeout`, `transaction_mode`; without a mode, BEGIN is deferred)."""
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "escalations.core.db.sqlite",
            "NAME": str(path),
            "OPTIONS": {"timeout": 10.0, **options},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=alias,
    )
    connections[alias] = wrapper
    return wrapper
