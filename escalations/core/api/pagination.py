"""Pages of a list: `limit` and `offset`, where a malformed value is a 400 naming it rather
than the first page."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

ERR_LIMIT = _("A whole number from 1.")
ERR_OFFSET = _("A whole number from 0.")


class StrictLimitOffsetPagination(LimitOffsetPagination):
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
