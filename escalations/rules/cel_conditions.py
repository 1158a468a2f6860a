"""Conditions written in CEL (common-expression-language), for advanced users.

CEL is not Turing-complete and sees only the facts it is given (no Python objects). The
expression is checked at save time: it must compile, use only the known variables, and give
a yes/no on a sample of the facts; at run time an error (e.g. a CRM field a customer lacks)
makes the condition false and is reported by dry runs.
"""

import re
from typing import Any

import cel

from escalations.rules.conditions import Condition, ConditionError

VARIABLES = frozenset(
    {
        "ticket",
        "customer",
        "event",
        "business_hours",
        "minutes_since_customer_message",
        "minutes_since_agent_message",
    }
)
MAX_LENGTH = 4000
# ticket.x, customer.x and event.x must name real fields (customer.crm.* is free-form).
_FIELD_REFERENCE = re.compile(r"\b(ticket|customer|event)\.([A-Za-z_][A-Za-z0-9_]*)")
_SAMPLE_BY_TYPE = {
    "number": 1.0,
    "integer": 1,
    "boolean": True,
    "multi_choice": [],
}


def sample_facts(custom_fields: dict | None = None) -> dict:
    """Facts with every key present and a value of its usual type, to try expressions on."""
    custom = {
        key: _SAMPLE_BY_TYPE.get(definition.field_type, "")
        for key, definition in (custom_fields or {}).items()
    }
    return {
        "ticket": {
            "id": 1,
            "subject": "",
            "body": "",
            "text": "",
            "store": "",
            "topic": "",
            "channel": "email",
            "tags": [],
            "priority": 20,
            "status": "new",
            "custom_status": "",
            "team": "",
            "assignee": "",
            "tier": 1,
            "ai_confidence": 0.5,
            "ai_sentiment": 0.0,
            "ai_intent": "",
            "custom": custom,
        },
        "customer": {
            "tier": "standard",
            "segment": "",
            "company": "",
            "email": "",
            "language": "en",
            "crm": {},
        },
        "event": {"type": "ticket_created", "field": "", "from": "", "to": ""},
        "business_hours": True,
        "minutes_since_customer_message": 0.0,
        "minutes_since_agent_message": 0.0,
    }


_MACRO_VARIABLE = re.compile(
    r"\.(?:exists_one|exists|all|map|filter)\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,"
)


def compile_cel(expression: str, *, custom_fields: dict | None = None) -> Condition:
    expression = (expression or "").strip()
    if not expression:
        raise ConditionError("the CEL expression is empty")
    if len(expression) > MAX_LENGTH:
        raise ConditionError(f"a CEL expression has at most {MAX_LENGTH} characters")
    try:
        program = cel.compile(expression)
    except ValueError as exc:
        raise ConditionError(f"CEL does not compile: {_first_line(exc)}") from None
    # The standard macros bind a variable of their own: `ticket.tags.exists(t, t == "vip")`.
    bound = set(_MACRO_VARIABLE.findall(expression))
    unknown = set(program.variables()) - VARIABLES - bound
    if unknown:
        raise ConditionError(
            f"CEL uses unknown variable(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(VARIABLES))}"
        )
    sample = sample_facts(custom_fields)
    for variable, name in _FIELD_REFERENCE.findall(expression):
        if name not in sample[variable]:
            raise ConditionError(f"CEL reads a field that does not exist: {variable}.{name}")
    try:
        result = program.execute(_cel_facts(sample))
    except KeyError:
        result = None  # a CRM key the sample lacks: it exists for some customers
    except (TypeError, RuntimeError, ValueError) as exc:
        raise ConditionError(f"CEL fails on a sample ticket: {_first_line(exc)}") from None
    if result is not None and not isinstance(result, bool):
        raise ConditionError(f"CEL must give true or false, it gives {type(result).__name__}")

    def evaluate(facts: dict) -> tuple[bool, str | None]:
        try:
            value = program.execute(_cel_facts(facts))
        except (KeyError, TypeError, RuntimeError, ValueError) as exc:
            return False, _first_line(exc)
        return value is True, None

    def explain(facts: dict) -> dict:
        value, error = evaluate(facts)
        return {"node": "cel", "expression": expression, "value": value, "error": error}

    return Condition(lambda facts: evaluate(facts)[0], explain, source=expression)


def _cel_facts(facts: dict) -> dict[str, Any]:
    return {key: facts[key] for key in VARIABLES}


def _first_line(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
