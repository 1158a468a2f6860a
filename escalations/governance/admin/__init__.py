"""The governance admin: importing it registers its model admins."""

from escalations.governance.admin import matrix, matrix_sheet, processes, raci, raci_sheet  # noqa: F401
