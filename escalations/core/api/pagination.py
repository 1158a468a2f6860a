"""Pages of a list: `limit` and `offset`, where a malformed value is a 400 naming it rather
than the first page.

The total is counted exactly up to `HANDOFF_API_COUNT_LIMIT` matching rows (10,000 by
default) past the page asked for; beyond that `count` is that many and `count_exact` is false
("at least"). Counting every row of a large table would cost more than reading the page
itself (a million tickets take a full scan of the index on PostgreSQL), and the page links do
not need the exact total: `next` is given whenever another row follows."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

ERR_LIMIT = _("A whole number from 1.")
ERR_OFFSET = _("A whole number from 0.")


def count_limit() -> int:
    return getattr(settings, "HANDOFF_API_COUNT_LIMIT", 10_000)


class StrictLimitOffsetPagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        # Count at most one row more than the cap: past it the total is "at least the cap".
        cap = max(count_limit(), self.offset + self.limit + 1)
        counted = queryset.values("pk").order_by()[: cap + 1].count()
        self.count, self.count_exact = min(counted, cap), counted <= cap
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            "Matching rows, counted exactly up to HANDOFF_API_COUNT_LIMIT past this page."
        )
        described["properties"] = {
            "count": described["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False when there are more matching rows than `count`.",
            },
            **{k: v for k, v in described["properties"].items() if k != "count"},
        }
        described["required"] = ["count", "count_exact", "results"]
        return described

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw in (None, ""):
            return self.default_limit
        text = raw.strip()
        if not text.isdigit() or int(text) < 1:
            raise ValidationError({self.limit_query_param: [ERR_LIMIT]})
        return int(text)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw in (None, ""):
            return 0
        text = raw.strip()
        if not text.isdigit():
            raise ValidationError({self.offset_query_param: [ERR_OFFSET]})
        return int(text)
