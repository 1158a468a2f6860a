"""The admin is Handoff's UI for managers and agents; one module per model group."""

from escalations.admin import (  # noqa: F401
    accounts,
    ai,
    communications,
    directory,
    escalations,
    matrix,
    plans,
    processes,
    quality,
    raci,
    rules,
    sla,
    tickets,
    webhooks,
)
