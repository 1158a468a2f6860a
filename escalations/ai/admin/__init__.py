"""The AI admin: importing it registers its model admins."""

from escalations.ai.admin import policies, quality  # noqa: F401
