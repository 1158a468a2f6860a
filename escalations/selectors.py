"""Reads: querysets shaped for the screens and the API that use them."""

from django.db.models import Count, Q, QuerySet

from escalations.models import Escalation, Ticket, TicketEvent


def ticket_list_queryset() -> QuerySet[Ticket]:
    """Tickets with everything the list shows, in a constant number of queries."""
    return Ticket.objects.select_related(
        "workspace", "customer", "team", "assignee", "custom_status"
    ).annotate(
        message_count=Count("messages", distinct=True),
        open_escalation_count=Count(
            "escalations",
            filter=Q(escalations__resolved_at__isnull=True, escalations__is_rerouted=False),
            distinct=True,
        ),
    )


def ticket_conversation(ticket: Ticket):
    return ticket.messages.select_related("author_user").order_by("created_at", "id")


def ticket_audit_trail(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor_user").order_by("created_at", "id")


def ticket_latest_escalation(ticket: Ticket) -> Escalation | None:
    return (
        ticket.escalations.select_related("to_team", "to_agent", "from_team", "from_agent")
        .order_by("-triggered_at", "-id")
        .first()
    )
