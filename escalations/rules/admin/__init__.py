"""The rules admin: importing it registers its model admins."""

from escalations.rules.admin import (  # noqa: F401
    condition_builder,
    dry_run,
    rules,
    sheets,
    webhooks,
)
