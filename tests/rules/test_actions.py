import pytest

from escalations.rules.actions import ActionError, validate_actions


def test_actions_are_normalised():
    assert validate_actions(
        [
            {"type": "set_priority", "value": "High"},
            {"type": "add_tags", "value": "VIP, refund, vip"},
            {"type": "set_tier", "value": "l3"},
            {"type": "set_custom_field", "value": "escalation_reason = Legal threat"},
            {"type": "escalate", "value": "billing", "detail": " Refund over limit "},
            {"type": "set_status", "value": "pending"},
        ],
        team_slugs={"billing"},
        custom_keys={"escalation_reason"},
    ) == [
        {"type": "set_priority", "value": 30},
        {"type": "add_tags", "value": ["refund", "vip"]},
        {"type": "set_tier", "value": 3},
        {"type": "set_custom_field", "key": "escalation_reason", "value": "Legal threat"},
        {"type": "escalate", "value": "billing", "detail": "Refund over limit"},
        {"type": "set_status", "value": "pending"},
    ]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"type": "teleport"}, "there is no action 'teleport'"),
        ({"type": "set_priority", "value": "asap"}, "'asap' is not one of low"),
        ({"type": "set_status", "value": "escalated"}, "escalate escalates"),
        ({"type": "set_team", "value": "nowhere"}, "no team 'nowhere'"),
        ({"type": "set_custom_field", "value": "colour"}, "write key=value"),
        ({"type": "set_custom_field", "value": "colour=red"}, "no custom field 'colour'"),
        ({"type": "add_note"}, "write the note"),
        ({"type": "add_tags", "value": " , "}, "name one or more tags"),
        ("set_priority", "expected an object"),
        ({"type": "snooze", "value": "soon"}, "not a duration like 30m"),
        ({"type": "snooze", "value": "200d"}, "between 1 minute and 90 days"),
        ({"type": "notify", "value": ""}, "name who to notify"),
        ({"type": "notify", "value": "team:nowhere"}, "no team 'nowhere'"),
        ({"type": "send_webhook", "value": "ops", "detail": "//evil"}, "single '/'"),
    ],
)
def test_bad_actions_are_refused_naming_the_row(action, message):
    with pytest.raises(ActionError, match=message) as exc:
        validate_actions([action], team_slugs={"billing"}, custom_keys=set())
    assert str(exc.value).startswith("action 1")


def test_validating_twice_changes_nothing():
    raw = [
        {"type": "set_priority", "value": "urgent"},
        {"type": "add_tags", "value": "a, b"},
        {"type": "set_tier", "value": "L2"},
        {"type": "set_custom_field", "value": "reason=x"},
        {"type": "escalate", "value": "billing", "detail": "s"},
    ]
    once = validate_actions(raw, team_slugs={"billing"}, custom_keys={"reason"})
    assert validate_actions(once, team_slugs={"billing"}, custom_keys={"reason"}) == once
