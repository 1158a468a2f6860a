"""An input that refuses unknown fields names each one with the other field errors, and takes
what it knows as DRF does."""

from django.http import QueryDict
from rest_framework import serializers

from escalations.core.api.strict import UNKNOWN_FIELD, RefusesUnknownFields


class ColourInput(RefusesUnknownFields, serializers.Serializer):
    name = serializers.CharField()
    shade = serializers.CharField(required=False, default="plain")
    made_at = serializers.DateTimeField(read_only=True)


def test_an_unknown_field_is_an_error_naming_it():
    payload = ColourInput(data={"name": "Red", "colour": "red"})
    assert not payload.is_valid()
    assert payload.errors == {"colour": [UNKNOWN_FIELD]}
    assert str(UNKNOWN_FIELD) == "Unknown field."


def test_unknown_fields_come_with_the_other_field_errors():
    payload = ColourInput(data={"Name": "Red", "shade": ""})
    assert not payload.is_valid()
    assert set(payload.errors) == {"name", "shade", "Name"}
    assert payload.errors["Name"] == [UNKNOWN_FIELD]


def test_a_read_only_field_sent_is_unknown_too():
    payload = ColourInput(data={"name": "Red", "made_at": "2026-01-01T00:00:00Z"})
    assert not payload.is_valid()
    assert payload.errors == {"made_at": [UNKNOWN_FIELD]}


def test_known_fields_are_taken_as_drf_takes_them():
    payload = ColourInput(data={"name": " Red "})
    assert payload.is_valid(), payload.errors
    assert payload.validated_data == {"name": "Red", "shade": "plain"}


def test_a_form_post_may_carry_its_csrf_token():
    form = QueryDict("name=Red&csrfmiddlewaretoken=abc")
    payload = ColourInput(data=form)
    assert payload.is_valid(), payload.errors


def test_a_body_that_is_no_object_gets_drf_s_own_error():
    payload = ColourInput(data=["Red"])
    assert not payload.is_valid()
    assert list(payload.errors) == ["non_field_errors"]
