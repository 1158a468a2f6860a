"""Inputs that refuse what they do not take: an unknown or read-only field is an error."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

UNKNOWN_FIELD = _("Unknown field.")
# Posted with the fields by Django's HTML forms, the browsable API's included; never a field.
_CSRF_FORM_FIELD = "csrfmiddlewaretoken"


class RefusesUnknownFields:
    """Mix in before the DRF serializer class: a key the input does not take is a field error
    (`{"colour": ["Unknown field."]}`), given with the other field errors, instead of being
    dropped, so that a misspelt field is never quietly left at its default. `read_only_hints`
    names fields a caller might expect to send (they appear in the answers) with what to do
    instead."""

    read_only_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)  # DRF's own error for a body that is no object
        known = {name for name, field in self.fields.items() if not field.read_only}
        unknown = {
            key: [self.read_only_hints.get(key, UNKNOWN_FIELD)]
            for key in data
            if key not in known and key != _CSRF_FORM_FIELD
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not unknown or not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **unknown}) from None
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
