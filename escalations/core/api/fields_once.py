"""Serializers whose fields are built once per class instead of once per use.

DRF deep-copies and binds every declared field (and, for a ModelSerializer, builds every model
field) each time a serializer is made: for a small answer that costs more than reading and
writing the rows behind it. A serializer whose fields depend on nothing but its class (no
context, no instance, no request) can share one bound set: fields only read their own
settings when they validate or represent a value, so one set serves every use and thread.
"""

from django.utils.functional import cached_property


class FieldsOnce:
    """Mix in before the DRF serializer class. Not for serializers that read `self.context`
    in their fields or change their fields per instance. A use with a context or `partial`
    gets fields of its own, as DRF gives them (fields read both through their parent), unless
    the class says `context_free = True`: none of its fields (nested ones included) reads the
    context, so a view's serializer, which always has one, shares the fields too."""

    context_free = False

    @cached_property
    def fields(self):
        if self.partial or (self._context and not self.context_free):
            return super().fields
        cls = type(self)
        kept = cls.__dict__.get("_fields_once")
        if kept is None:
            prototype = cls()  # no data, instance or context: the fields of the class alone
            kept = super(FieldsOnce, prototype).fields
            cls._fields_once = kept
        return kept
