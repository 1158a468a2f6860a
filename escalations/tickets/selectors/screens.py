"""Reads: querysets shaped for the screens and the API that use them."""

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from escalations.core import clock
from escalations.core.db.compiled import CompiledRead
from escalations.core.held import ticket_locked
from escalations.core.models import EventType, TicketEvent
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    Escalation,
    Ticket,
    TicketStatus,
)


def _count_per_ticket(queryset) -> Coalesce:
    """A correlated COUNT: evaluated for the rows on the page, not a GROUP BY over all."""
    counted = (
        queryset.filter(ticket=OuterRef("pk"))
        .order_by()
        .values("ticket")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def ticket_list_queryset() -> QuerySet[Ticket]:
    """Tickets with everything the list shows, in a constant number of queries."""
    return Ticket.objects.select_related(
        "workspace", "customer", "team", "assignee", "custom_status", "sla_policy"
    ).annotate(
        open_escalation_count=_count_per_ticket(
            Escalation.objects.filter(resolved_at__isnull=True, is_rerouted=False)
        ),
    )


def ticket_api_queryset() -> QuerySet[Ticket]:
    """Tickets as the REST API shows them, in three queries for a whole page: related rows by
    their ids alone (the serializer reads nothing else of them), the SLA policy's name joined,
    the clocks fetched for the page at once."""
    return Ticket.objects.select_related("sla_policy").prefetch_related("sla_clocks")


def ticket_conversation(ticket: Ticket):
    return ticket.messages.select_related("author_user").order_by("created_at", "id")


def ticket_blocked_moves(ticket: Ticket) -> list[TicketEvent]:
    """The system moves the workflow did not allow since the ticket's last status change:
    what the manager should look at on the ticket page."""
    events = ticket.events.filter(event_type=EventType.MOVE_BLOCKED)
    since = ticket.status_changed_at
    return list(events.filter(created_at__gte=since).order_by("-created_at", "-id")[:5])


def ticket_latest_escalation(ticket: Ticket) -> Escalation | None:
    return (
        ticket.escalations.select_related("to_team", "to_agent", "from_team", "from_agent")
        .order_by("-triggered_at", "-id")
        .first()
    )


def work_overview(user) -> dict:
    """What the admin's front page shows: the live queue at a glance, in three queries."""
    in_queue = Q(status__in=ACTIVE_STATUSES) & ~Q(snoozed_until__gt=clock.now())
    counts = Ticket.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ACTIVE_STATUSES},
        unassigned=Count("pk", filter=in_queue & Q(assignee__isnull=True)),
        mine=Count("pk", filter=in_queue & Q(assignee__user_id=getattr(user, "pk", None))),
    )
    awaiting = Escalation.objects.filter(
        first_human_response_at__isnull=True, resolved_at__isnull=True, is_rerouted=False
    ).count()
    agent = getattr(user, "agent", None) if user.is_authenticated else None
    return {
        "statuses": [
            {"value": status, "label": TicketStatus(status).label, "count": counts[status]}
            for status in ACTIVE_STATUSES
        ],
        "unassigned": counts["unassigned"],
        "mine": counts["mine"],
        "agent_id": agent.pk if agent else None,
        "escalations_awaiting_human": awaiting,
    }


# The escalation procedure (SOP), read from the live configuration


_ticket_with_customer = CompiledRead(
    lambda pk: Ticket.objects.select_related("customer").filter(pk=pk)
)


def ticket_to_write(pk: int) -> Ticket | None:
    """The ticket a write request works on, with its customer (None if there is none). Inside
    a transaction (an idempotent delivery) it is locked now, once, and held: the services in
    that transaction work on this copy; otherwise it is read, and each service locks it."""
    if connection.in_atomic_block:
        return ticket_locked(pk)
    return next(iter(_ticket_with_customer(pk)), None)
