"""The ticket page in tests: its address, and the empty inline forms a saved form carries."""

from django.urls import reverse


def change_url(ticket):
    return reverse("admin:escalations_ticket_change", args=[ticket.pk])


def empty_inline_management_data():
    data = {}
    for prefix in ["messages", "escalations", "events"]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data
