"""The admin is Handoff's UI for managers and agents; each domain registers its own part."""

from escalations.ai import admin as ai  # noqa: F401
from escalations.desk import admin as desk  # noqa: F401
from escalations.governance import admin as governance  # noqa: F401
from escalations.incidents import admin as incidents  # noqa: F401
from escalations.reports import admin as reports  # noqa: F401
from escalations.rules import admin as rules  # noqa: F401
from escalations.sla import admin as sla  # noqa: F401
from escalations.spreadsheets import admin as spreadsheets  # noqa: F401
from escalations.tickets import admin as tickets  # noqa: F401
