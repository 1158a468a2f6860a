"""The ticket list's filters (query parameters)."""

from datetime import UTC

import django_filters
from django.db.models import Q

from escalations import clock
from escalations.models import ACTIVE_STATUSES, Channel, Priority, Ticket, TicketStatus, Tier


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: any offset Python accepts (up to ±23:59) works,
    even where the database takes only real-world ones."""

    def filter(self, qs, value):
        if value is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


class TicketFilter(django_filters.FilterSet):
    status = django_filters.BaseInFilter(
        method="filter_status",
        help_text="Workspace statuses by slug, or lifecycle states, comma-separated.",
    )
    state = django_filters.MultipleChoiceFilter(
        field_name="status", choices=TicketStatus.choices, help_text="Lifecycle states."
    )
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    workspace = django_filters.CharFilter(field_name="workspace__slug")
    team = django_filters.CharFilter(field_name="team__slug")
    assignee = django_filters.CharFilter(field_name="assignee__user__username")
    customer_email = django_filters.CharFilter(field_name="customer__email", lookup_expr="iexact")
    tag = django_filters.CharFilter(method="filter_tag")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    sla_breached = django_filters.BooleanFilter(method="filter_sla_breached")

    class Meta:
        model = Ticket
        fields = ()

    def filter_status(self, queryset, name, values):
        """A lifecycle state ("on_hold") matches its tickets in every workspace; any other
        value is a workspace status's slug ("awaiting-approval")."""
        states = [v for v in values if v in TicketStatus.values]
        slugs = [v for v in values if v not in TicketStatus.values]
        return queryset.filter(Q(status__in=states) | Q(custom_status__slug__in=slugs))

    def filter_tag(self, queryset, name, value):
        # JSON text match, the same on SQLite and PostgreSQL: the tag with its quotes.
        return queryset.filter(tags__icontains=f'"{value.strip().lower()}"')

    def filter_sla_breached(self, queryset, name, value):
        breached = Q(sla_due_at__lt=clock.now(), status__in=ACTIVE_STATUSES)
        return queryset.filter(breached) if value else queryset.exclude(breached)
