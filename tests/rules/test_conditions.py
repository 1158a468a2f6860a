"""Every operator and field kind, and all / any / not nesting: pure, no database."""

import pytest

from escalations.rules.conditions import ConditionError, compile_condition


def facts(**overrides):
    ticket = {
        "subject": "Rückerstattung für Bestellung NW-123456",
        "body": "I want to CANCEL my contract, talk to legal!",
        "text": "Rückerstattung für Bestellung NW-123456\nI want to CANCEL my contract",
        "store": "Volt Outlet",
        "topic": "Refund",
        "channel": "email",
        "tags": ["vip", "Refund"],
        "priority": 30,
        "status": "open",
        "custom_status": None,
        "team": "billing",
        "assignee": None,
        "tier": 2,
        "ai_confidence": 0.42,
        "ai_sentiment": -0.6,
        "ai_intent": "billing.refund",
        "custom": {"order_value": 329.0, "product_line": "Phones", "warranty": True},
    }
    ticket.update(overrides.pop("ticket", {}))
    base = {
        "ticket": ticket,
        "customer": {
            "tier": "premium",
            "segment": "smb",
            "company": "Iyer Dental",
            "email": "r@example.com",
            "language": "de",
            "crm": {"plan": "Pro", "health_score": 41},
        },
        "event": {"type": "ticket_created", "field": None, "from": None, "to": None},
        "business_hours": True,
        "minutes_since_customer_message": 12.5,
        "minutes_since_agent_message": None,
    }
    base.update(overrides)
    return base


def holds(field, op, value=None, **fact_overrides):
    row = {"field": field, "op": op}
    if value is not None:
        row["value"] = value
    return compile_condition(row).test(facts(**fact_overrides))


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        # text: case and accent insensitive
        ("subject", "contains", "RUCKERSTATTUNG", True),
        ("subject", "not_contains", "invoice", True),
        ("store", "equals", "volt outlet", True),
        ("store", "not_equals", "Volt Outlet", False),
        ("subject", "starts_with", "ruck", True),
        ("subject", "ends_with", "123456", True),
        ("body", "contains_any", "cancel, legal", True),
        ("body", "contains_none", "refund, invoice", True),
        ("text", "matches", r"nw-\d{6}", True),
        ("topic", "is_empty", None, False),
        ("topic", "is_not_empty", None, True),
        # numbers, with names for priority and tier
        ("ai_confidence", "lt", 0.8, True),
        ("ai_confidence", "gte", "0.5", False),
        ("ai_sentiment", "lte", -0.5, True),
        ("priority", "gte", "high", True),
        ("priority", "eq", "urgent", False),
        ("tier", "ne", "L1", True),
        ("ai_confidence", "between", "0.4, 0.6", True),
        ("minutes_since_agent_message", "is_empty", None, True),
        ("minutes_since_customer_message", "gt", 10, True),
        # choices
        ("channel", "is", "email", True),
        ("channel", "is_not", "Live chat", True),
        ("status", "in", ["open", "pending"], True),
        ("customer.tier", "not_in", "vip, enterprise", True),
        # lists
        ("tags", "includes", "REFUND", True),
        ("tags", "excludes", "spam", True),
        ("tags", "includes_any", ["spam", "vip"], True),
        ("tags", "includes_all", "vip, refund", True),
        # booleans
        ("business_hours", "is_true", None, True),
        ("custom.warranty", "is_true", None, True),
        # custom fields and CRM data
        ("custom.order_value", "gt", 300, True),
        ("custom.product_line", "equals", "phones", True),
        ("customer.crm.health_score", "lt", 50, True),
        ("customer.crm.plan", "equals", "pro", True),
        ("customer.segment", "equals", "SMB", True),
    ],
)
def test_each_operator(field, op, value, expected):
    assert holds(field, op, value) is expected


def test_missing_values_fail_positive_checks_and_pass_negative_ones():
    quiet = {"ticket": {"ai_confidence": None, "topic": None}}
    assert holds("ai_confidence", "lt", 0.8, **quiet) is False
    assert holds("ai_confidence", "ne", 0.8, **quiet) is True
    assert holds("topic", "not_contains", "x", **quiet) is True


def test_all_any_not_nest():
    tree = {
        "all": [
            {"field": "customer.tier", "op": "in", "value": ["premium", "vip"]},
            {
                "any": [
                    {"field": "ai_confidence", "op": "lt", "value": 0.3},
                    {"field": "body", "op": "contains_any", "value": "legal"},
                ]
            },
            {"not": {"field": "tags", "op": "includes", "value": "spam"}},
        ]
    }
    condition = compile_condition(tree)
    assert condition.test(facts()) is True
    assert condition.test(facts(ticket={"tags": ["spam"]})) is False
    assert condition.test(facts(ticket={"body": "hello", "ai_confidence": 0.9})) is False


def test_explain_gives_every_rows_value():
    tree = {
        "any": [
            {"field": "priority", "op": "gte", "value": "urgent"},
            {"field": "tags", "op": "includes", "value": "vip"},
        ]
    }
    explained = compile_condition(tree).explain(facts())
    assert explained["value"] is True
    assert [(c["field"], c["actual"], c["value"]) for c in explained["children"]] == [
        ("priority", 30, False),
        ("tags", ["vip", "Refund"], True),
    ]


def test_an_empty_condition_always_holds():
    assert compile_condition({}).test(facts()) is True
    assert compile_condition({"all": []}).test(facts()) is True


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"field": "colour", "op": "equals", "value": "red"}, "there is no field 'colour'"),
        ({"field": "subject", "op": "gt", "value": 3}, "Subject cannot use 'gt'"),
        (
            {"field": "priority", "op": "gte", "value": "very"},
            "'very' is not a number or one of low",
        ),
        (
            {"field": "subject", "op": "matches", "value": "(unclosed"},
            "not a valid regular expression",
        ),
        ({"field": "channel", "op": "is", "value": "fax"}, "'fax' is not one of email"),
        ({"field": "subject", "op": "explodes", "value": 1}, "there is no operator 'explodes'"),
        ({"all": {"field": "subject"}}, "expected a list of conditions"),
        ({"all": [], "any": []}, "exactly one of all/any/not"),
        ({"field": "ai_confidence", "op": "between", "value": "0.9, 0.1"}, "0.9 is above 0.1"),
        ({"field": "tags", "op": "includes_any", "value": ""}, "expected one or more words"),
    ],
)
def test_invalid_conditions_are_refused_with_the_problem_named(tree, message):
    with pytest.raises(ConditionError, match=message.replace("(", r"\(")):
        compile_condition(tree)


def test_custom_fields_are_checked_against_the_workspace():
    class Definition:
        field_type, label, choices = "number", "Order value", []

    with pytest.raises(ConditionError, match="no custom field 'colour'"):
        compile_condition(
            {"field": "custom.colour", "op": "equals", "value": "x"},
            custom_fields={"order_value": Definition()},
        )
    with pytest.raises(ConditionError, match="Order value cannot use 'contains'"):
        compile_condition(
            {"field": "custom.order_value", "op": "contains", "value": "3"},
            custom_fields={"order_value": Definition()},
        )


def test_regex_cannot_backtrack_forever():
    condition = compile_condition({"field": "subject", "op": "matches", "value": "(a+)+$"})
    assert condition.test(facts(ticket={"subject": "a" * 5000 + "b"})) is False


def test_deep_nesting_is_refused():
    tree = {"field": "subject", "op": "is_empty"}
    for _ in range(12):
        tree = {"not": tree}
    with pytest.raises(ConditionError, match="nested deeper"):
        compile_condition(tree)
