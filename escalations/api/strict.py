"""Input serializers that refuse what they do not take: a field the caller may not send, or one
the API does not know, is a 400 naming it, never silently ignored."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

ERR_UNKNOWN_FIELD = _("Unknown field.")
ERR_READ_ONLY_FIELD = _("This field cannot be changed here.")


class StrictInput:
    """Mix in before the DRF serializer class. `read_only_hints` names fields a caller might
    expect to send (they appear in the answers) with what to do instead."""

    read_only_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for key in data:
                if key in self.fields and not self.fields[key].read_only:
                    continue
                hint = self.read_only_hints.get(key)
                errors[key] = [str(hint) if hint else str(ERR_UNKNOWN_FIELD)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
