"""The governance admin: importing it registers its model admins."""

from escalations.governance.admin import (  # noqa: F401
    matrix,
    processes,
    quality,
    raci,
)
