"""The list endpoints' filters (query parameters).

Every value names something that exists or is well formed: a workspace, team or agent that does
not exist, an unknown status, a malformed date, number or boolean is a 400 naming the parameter,
never a filter that quietly matches nothing (or everything). Workspaces and teams are named by
slug or id, agents by login or id, as the answers carry them.
"""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from escalations.core import clock
from escalations.tickets.filter_fields import (
    AgentField,
    TeamField,
    WorkspaceAndTeam,
    WorkspaceField,
)
from escalations.tickets.models import (
    ACTIVE_STATUSES,
    Agent,
    Channel,
    Customer,
    CustomStatus,
    Priority,
    Team,
    Ticket,
    TicketStatus,
    Tier,
    Workspace,
)

ERR_BOOLEAN = _("Give true or false.")
ERR_NO_STATUS = _(
    "There is no status {value!r}: give a lifecycle state ({states}) or a workspace status's slug."
)
ERR_NO_STATUS_HERE = _("{workspace} has no status {value!r}.")
ERR_NO_CUSTOMER = _("There is no customer with the e-mail {value!r}.")

_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


class StrictBooleanField(forms.Field):
    """true or false (also 1 / 0, yes / no); anything else is an error, not "no filter"."""

    def to_python(self, value):
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(ERR_BOOLEAN, code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class WorkspaceFilter(django_filters.ModelChoiceFilter):
    field_class = WorkspaceField


@extend_schema_field(OpenApiTypes.STR)
class TeamFilter(django_filters.ModelChoiceFilter):
    field_class = TeamField


@extend_schema_field(OpenApiTypes.STR)
class AgentFilter(django_filters.ModelChoiceFilter):
    field_class = AgentField


class HandoffFilterSet(django_filters.rest_framework.FilterSet):
    """The base of every list's filters: booleans are strict."""

    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter, with the lists' `filterset_fields` built on HandoffFilterSet."""

    filterset_base = HandoffFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset  # no filter is asked for: its form is not even built
        return super().filter_queryset(request, queryset, view)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, compared in UTC: any offset Python accepts (up to ±23:59) works,
    even where the database takes only real-world ones."""

    def filter(self, qs, value):
        if value is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


class TicketFilterForm(WorkspaceAndTeam, forms.Form):
    def clean(self):
        cleaned = super().clean()
        statuses, workspace = cleaned.get("status"), cleaned.get("workspace")
        if statuses:
            slugs = [v for v in statuses if v not in TicketStatus.values]
            known = CustomStatus.objects.filter(slug__in=slugs)
            if workspace is not None:
                known = known.filter(workspace=workspace)
            found = set(known.values_list("slug", flat=True))
            unknown = [slug for slug in slugs if slug not in found]
            if unknown and workspace is not None:
                message = ERR_NO_STATUS_HERE.format(workspace=workspace, value=unknown[0])
                self.add_error("status", message)
            elif unknown:
                states = ", ".join(TicketStatus.values)
                self.add_error("status", ERR_NO_STATUS.format(value=unknown[0], states=states))
        return cleaned


class CustomerEmailField(forms.EmailField):
    def validate(self, value):
        super().validate(value)
        if value and not Customer.objects.filter(email__iexact=value).exists():
            raise ValidationError(ERR_NO_CUSTOMER.format(value=value), code="invalid_choice")


class CustomerEmailFilter(django_filters.CharFilter):
    field_class = CustomerEmailField


class TicketFilter(HandoffFilterSet):
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
    workspace = WorkspaceFilter(
        queryset=Workspace.objects.all(), help_text="The workspace's slug or id."
    )
    team = TeamFilter(queryset=Team.objects.all(), help_text="The team's slug or id.")
    assignee = AgentFilter(queryset=Agent.objects.all(), help_text="The agent's login or id.")
    customer_email = CustomerEmailFilter(field_name="customer__email", lookup_expr="iexact")
    tag = django_filters.CharFilter(method="filter_tag")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    sla_breached = StrictBooleanFilter(method="filter_sla_breached")

    class Meta:
        model = Ticket
        fields = ()
        form = TicketFilterForm

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
