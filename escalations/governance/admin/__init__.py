"""The governance admin: importing it registers its model admins."""

from escalations.governance.admin import matrix, processes, raci  # noqa: F401
