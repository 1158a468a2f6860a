"""The sla admin: importing it registers its model admins."""

from escalations.sla.admin import (  # noqa: F401
    calendars,
    policies,
    sheets,
    sla_timeline,
    ticket_sla,
)
