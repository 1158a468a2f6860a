import pytest

from escalations.rules.cel_conditions import compile_cel, sample_facts
from escalations.rules.conditions import ConditionError


def facts():
    f = sample_facts()
    f["ticket"].update(priority=40, tags=["vip"], subject="Refund please", ai_confidence=0.3)
    f["customer"]["crm"] = {"plan": "Pro", "seats": 40}
    return f


def test_a_cel_condition_reads_the_facts():
    condition = compile_cel(
        'ticket.priority >= 30 && "vip" in ticket.tags && ticket.subject.matches("(?i)refund")'
        " && has(customer.crm.plan) && customer.crm.seats > 10"
    )
    assert condition.test(facts()) is True
    other = facts()
    other["ticket"]["tags"] = []
    assert condition.test(other) is False


def test_a_runtime_error_is_false_and_explained():
    condition = compile_cel('customer.crm.plan == "Pro"')
    missing = facts()
    missing["customer"]["crm"] = {}
    assert condition.test(missing) is False
    explained = condition.explain(missing)
    assert explained["value"] is False and "plan" in explained["error"]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("ticket.priority >=", "CEL does not compile"),
        ("secrets.key == 1", r"unknown variable\(s\) secrets"),
        ("ticket.colour == 'red'", "reads a field that does not exist: ticket.colour"),
        ("ticket.priority + 'x'", "fails on a sample ticket"),
        ("ticket.priority", "must give true or false"),
        ("", "empty"),
        ("x" * 5000, "at most"),
    ],
)
def test_bad_cel_is_refused_at_save_time(expression, message):
    with pytest.raises(ConditionError, match=message):
        compile_cel(expression)


@pytest.mark.parametrize(
    "expression",
    [
        'ticket.tags.exists(t, t == "vip")',
        "ticket.tags.all(tag, tag.size() > 1)",
        'ticket.tags.exists_one(t, t == "vip")',
        'ticket.tags.filter(t, t.startsWith("v")).size() == 1',
        'ticket.tags.map(t, t + "!") == ["vip!"]',
    ],
)
def test_the_standard_macros_with_their_own_variables_are_accepted_and_evaluated(expression):
    condition = compile_cel(expression)
    assert condition.test(facts()) is True
    other = facts()
    other["ticket"]["tags"] = ["a"]
    assert condition.test(other) is False


def test_a_macro_does_not_let_other_unknown_variables_through():
    with pytest.raises(ConditionError, match=r"unknown variable\(s\) secrets"):
        compile_cel("ticket.tags.exists(t, t == secrets.key)")
