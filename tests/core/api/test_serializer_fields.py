"""Serializers that build their fields once per class answer exactly as DRF's own do."""

import pytest
from rest_framework import serializers

from escalations.ai.api.serializers import VerdictRequestSerializer
from escalations.desk.api.serializers import MessageSerializer
from escalations.tickets.api.inputs import MessageInput
from escalations.tickets.models import Message
from escalations.tickets.services.messages import message_add

pytestmark = pytest.mark.django_db


class PlainMessageSerializer(serializers.ModelSerializer):
    internal = serializers.BooleanField(source="is_internal", read_only=True)

    class Meta:
        model = Message
        fields = MessageSerializer.Meta.fields
        read_only_fields = fields


def test_a_message_is_represented_as_drf_represents_it(ticket, actor):
    message = message_add(ticket=ticket, author_kind="agent", body="On it", actor=actor)
    assert MessageSerializer(message).data == PlainMessageSerializer(message).data
    assert MessageSerializer(message).data["internal"] is False


def test_uses_share_their_fields_but_not_their_errors_or_data():
    bad = MessageInput(data={"author_kind": "robot", "body": ""})
    good = MessageInput(data={"author_kind": "customer", "body": "Hello"})
    assert bad.fields is good.fields
    assert not bad.is_valid()
    assert set(bad.errors) == {"author_kind", "body"}
    assert good.is_valid(), good.errors
    assert good.validated_data == {
        "author_kind": "customer",
        "body": "Hello",
        "internal": False,
        "author_name": "",
    }
    assert not bad.is_valid() and set(bad.errors) == {"author_kind", "body"}


def test_a_verdict_out_of_range_is_refused_field_by_field():
    payload = VerdictRequestSerializer(
        data={"confidence": 1.5, "sentiment": -2, "flags": ["x"] * 51, "intent": "refund"}
    )
    assert not payload.is_valid()
    assert set(payload.errors) == {"confidence", "sentiment", "flags"}
    fine = VerdictRequestSerializer(data={"confidence": 0.8, "intent": "refund"})
    assert fine.is_valid(), fine.errors
    assert fine.validated_data["attempted_solutions"] == []
    assert fine.validated_data["attempted_solutions"] is not fine.validated_data["flags"]


def test_a_partial_use_gets_drf_own_fields_and_no_defaults():
    partial = MessageInput(data={"body": "Only the body"}, partial=True)
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == {"body": "Only the body"}
    assert partial.fields is not MessageInput(data={}).fields
