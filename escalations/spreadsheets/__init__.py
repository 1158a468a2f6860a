"""Configuration in spreadsheets: the formats (XLSX laid out for people, and CSV), the sheet
resource every domain builds its own sheets on, and the admin's import and export buttons.
Each domain keeps its sheets beside its admin (`sla/admin/sheets.py`, `rules/admin/sheets.py`,
`governance/admin/raci_sheet.py` and `matrix_sheet.py`, `incidents/admin/contact_sheet.py`)."""
