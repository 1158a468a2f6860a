"""The admin is Handoff's UI for managers and agents; one module per model group."""

from escalations.admin import accounts, directory, escalations, rules, sla, tickets  # noqa: F401
