"""The incidents admin: importing it registers its model admins."""

from escalations.incidents.admin import (  # noqa: F401
    communications,
    contact_sheet,
    plans,
    procedure,
)
