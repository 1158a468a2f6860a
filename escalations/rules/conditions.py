"""No-code conditions: a JSON tree of all / any / not over rows of field, operator, value.

`compile_condition` validates the whole tree (unknown field, operator that does not fit the
field, value of the wrong type, bad regex) and returns a `Condition` whose `test(facts)` is a
chain of plain closures: about a microsecond a row, so a hundred rules cost far less than one
CEL evaluation each (see the README's rules benchmark).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from escalations.rules.codegen import (
    RegexBank,
    as_bytes,
    as_number,
    as_text,
    constant,
    generate,
    row_source,
)
from escalations.rules.fields import ANY, BOOLEAN, CHOICE, LIST, NUMBER, TEXT, resolve_field
from escalations.rules.text import PatternError, compile_pattern, normalise

MAX_DEPTH = 8
MAX_ROWS = 200


class ConditionError(ValueError):
    """A condition that cannot be saved; the message names the row and the problem."""


@dataclass(frozen=True)
class Operator:
    label: str
    kinds: frozenset[str]
    takes: str  # "text", "texts", "number", "numbers2", "choice", "choices", "none", "pattern"


OPERATORS: dict[str, Operator] = {
    "equals": Operator("is", frozenset({TEXT, ANY}), "text"),
    "not_equals": Operator("is not", frozenset({TEXT, ANY}), "text"),
    "contains": Operator("contains", frozenset({TEXT, ANY}), "text"),
    "not_contains": Operator("does not contain", frozenset({TEXT, ANY}), "text"),
    "starts_with": Operator("starts with", frozenset({TEXT, ANY}), "text"),
    "ends_with": Operator("ends with", frozenset({TEXT, ANY}), "text"),
    "contains_any": Operator("contains any of the words", frozenset({TEXT, ANY}), "texts"),
    "contains_none": Operator("contains none of the words", frozenset({TEXT, ANY}), "texts"),
    "matches": Operator("matches the pattern", frozenset({TEXT, ANY}), "pattern"),
    "eq": Operator("=", frozenset({NUMBER, ANY}), "number"),
    "ne": Operator("≠", frozenset({NUMBER, ANY}), "number"),
    "lt": Operator("<", frozenset({NUMBER, ANY}), "number"),
    "lte": Operator("≤", frozenset({NUMBER, ANY}), "number"),
    "gt": Operator(">", frozenset({NUMBER, ANY}), "number"),
    "gte": Operator("≥", frozenset({NUMBER, ANY}), "number"),
    "between": Operator("between", frozenset({NUMBER, ANY}), "numbers2"),
    "is": Operator("is", frozenset({CHOICE}), "choice"),
    "is_not": Operator("is not", frozenset({CHOICE}), "choice"),
    "in": Operator("is one of", frozenset({CHOICE}), "choices"),
    "not_in": Operator("is none of", frozenset({CHOICE}), "choices"),
    "includes": Operator("includes", frozenset({LIST}), "text"),
    "excludes": Operator("does not include", frozenset({LIST}), "text"),
    "includes_any": Operator("includes any of", frozenset({LIST}), "texts"),
    "includes_all": Operator("includes all of", frozenset({LIST}), "texts"),
    "is_true": Operator("is yes", frozenset({BOOLEAN, ANY}), "none"),
    "is_false": Operator("is no", frozenset({BOOLEAN, ANY}), "none"),
    "is_empty": Operator("is empty", frozenset({TEXT, NUMBER, CHOICE, LIST, ANY}), "none"),
    "is_not_empty": Operator("is not empty", frozenset({TEXT, NUMBER, CHOICE, LIST, ANY}), "none"),
}


class Condition:
    """A compiled condition: `test` for the engine, `explain` for dry runs.

    `test` is one generated Python expression for the whole tree (see `_generate`): every
    value a manager typed is a constant in a table, never part of the source, so nothing a
    user writes runs as code. `explain` walks closures and reports every row's value.
    """

    def __init__(self, test: Callable[[dict], bool], explain: Callable[[dict], dict], source=""):
        self.test = test
        self.explain = explain
        self.source = source


@dataclass(frozen=True)
class _Node:
    """A validated part of the tree: its explanation, and its piece of the generated test."""

    explain: Callable[[dict], dict]
    source: str


def compile_condition(
    tree: Any, *, custom_fields: dict | None = None, regex_bank: RegexBank | None = None
) -> Condition:
    """Validate and compile a condition tree; an empty tree (`{}` or `{"all": []}`) is true.

    Give a `regex_bank` when compiling a whole rule set, and freeze it before evaluating.
    """
    if tree in (None, {}, []):
        return Condition(lambda facts: True, lambda facts: {"node": "always", "value": True})
    counter, constants = [0, regex_bank], []
    checked = _compile(tree, custom_fields, path="", depth=0, counter=counter, consts=constants)
    return Condition(generate(checked.source, constants), checked.explain, checked.source)


def _compile(
    node, custom_fields, *, path: str, depth: int, counter: list, consts: list
) -> Condition:
    if depth > MAX_DEPTH:
        raise ConditionError(f"{path or 'condition'}: nested deeper than {MAX_DEPTH} groups")
    if not isinstance(node, dict):
        raise ConditionError(f"{path or 'condition'}: expected a group or a row, got {node!r}")
    groups = [key for key in ("all", "any", "not") if key in node]
    if groups:
        if len(node) != 1:
            raise ConditionError(f"{path or 'condition'}: a group has exactly one of all/any/not")
        key = groups[0]
        here = f"{path} > {key}" if path else key
        if key == "not":
            inner = _compile(
                node["not"],
                custom_fields,
                path=here,
                depth=depth + 1,
                counter=counter,
                consts=consts,
            )
            return _Node(
                lambda facts: _explained("not", [inner.explain(facts)], lambda vs: not vs[0]),
                f"(not {inner.source})",
            )
        children = node[key]
        if not isinstance(children, list):
            raise ConditionError(f"{here}: expected a list of conditions")
        parts = [
            _compile(
                child,
                custom_fields,
                path=f"{here} {i}",
                depth=depth + 1,
                counter=counter,
                consts=consts,
            )
            for i, child in enumerate(children, start=1)
        ]
        combine = all if key == "all" else any
        joiner = " and " if key == "all" else " or "
        source = f"({joiner.join(p.source for p in parts)})" if parts else str(key == "all")
        return _Node(
            lambda facts: _explained(key, [p.explain(facts) for p in parts], combine),
            source,
        )
    counter[0] += 1
    if counter[0] > MAX_ROWS:
        raise ConditionError(f"a condition has at most {MAX_ROWS} rows")
    return _compile_row(node, custom_fields, path=path or "row", consts=consts, bank=counter[1])


def _explained(node: str, children: list[dict], combine) -> dict:
    return {"node": node, "value": combine([c["value"] for c in children]), "children": children}


def _compile_row(row: dict, custom_fields, *, path: str, consts: list, bank=None) -> _Node:
    unknown = set(row) - {"field", "op", "value"}
    if unknown:
        raise ConditionError(f"{path}: unknown keys {', '.join(sorted(unknown))}")
    name, op_name = row.get("field"), row.get("op")
    try:
        spec = resolve_field(str(name), custom_fields)
    except ValueError as exc:
        raise ConditionError(f"{path}: {exc}") from None
    operator = OPERATORS.get(op_name)
    if operator is None:
        raise ConditionError(f"{path}: there is no operator {op_name!r}")
    if spec.kind not in operator.kinds:
        fitting = ", ".join(op for op, o in OPERATORS.items() if spec.kind in o.kinds)
        raise ConditionError(f"{path}: {spec.label} cannot use {op_name!r}; it takes {fitting}")
    try:
        expected = _parse_value(spec, operator, row.get("value"))
    except ValueError as exc:
        raise ConditionError(f"{path} ({spec.label} {operator.label}): {exc}") from None
    check = _check(op_name, expected)
    getter = spec.getter

    def explain(facts: dict) -> dict:
        actual = getter(facts)
        return {
            "node": "row",
            "field": spec.name,
            "label": spec.label,
            "op": operator.label,
            "expected": row.get("value"),
            "actual": actual,
            "value": check(actual),
        }

    if op_name == "matches" and bank is not None:
        index = bank.add(spec.path, row["value"])
        bank_ref, path_ref = constant(consts, bank), constant(consts, spec.path)
        source = f"({constant(consts, index)} in _rx({bank_ref}, f, {path_ref}))"
        return _Node(explain, source)
    return _Node(explain, row_source(op_name, spec, expected, consts))


def _parse_value(spec, operator: Operator, raw: Any) -> Any:
    takes = operator.takes
    if takes == "none":
        return None
    if takes == "pattern":
        if not isinstance(raw, str) or not raw:
            raise ValueError("expected a regular expression")
        try:
            return compile_pattern(raw)
        except PatternError as exc:
            raise ValueError(str(exc)) from None
    if takes == "text":
        if not isinstance(raw, str | int | float) or isinstance(raw, bool) or raw == "":
            raise ValueError("expected a text value")
        return normalise(str(raw))
    if takes == "texts":
        words = _as_list(raw)
        if not words:
            raise ValueError("expected one or more words, comma-separated")
        return tuple(normalise(str(w)) for w in words)
    if takes == "number":
        return _number(spec, raw)
    if takes == "numbers2":
        values = _as_list(raw)
        if len(values) != 2:
            raise ValueError("expected two numbers: from, to")
        low, high = (_number(spec, v) for v in values)
        if low > high:
            raise ValueError(f"{low} is above {high}")
        return (low, high)
    if takes == "choice":
        return _choice(spec, raw)
    if takes == "choices":
        values = _as_list(raw)
        if not values:
            raise ValueError("expected one or more values")
        return frozenset(_choice(spec, v) for v in values)
    raise ValueError(f"unsupported operator value {takes}")


def _as_list(raw: Any) -> list:
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, list | tuple):
        return [item for item in raw if item not in (None, "")]
    return []


def _number(spec, raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number, got yes/no")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        if raw.strip().lower() in spec.aliases:
            return float(spec.aliases[raw.strip().lower()])
        try:
            return float(raw)
        except ValueError:
            pass
    names = f" or one of {', '.join(spec.aliases)}" if spec.aliases else ""
    raise ValueError(f"{raw!r} is not a number{names}")


def _choice(spec, raw: Any) -> str:
    if raw in spec.choices:
        return raw
    by_label = {str(label).lower(): value for value, label in spec.choices.items()}
    if isinstance(raw, str) and raw.strip().lower() in by_label:
        return by_label[raw.strip().lower()]
    raise ValueError(f"{raw!r} is not one of {', '.join(spec.choices)}")


def _check(op: str, expected: Any) -> Callable[[Any], bool]:
    if op == "equals":
        return lambda v: as_text(v) == expected
    if op == "not_equals":
        return lambda v: as_text(v) != expected
    if op == "contains":
        return lambda v: v is not None and expected in as_text(v)
    if op == "not_contains":
        return lambda v: v is None or expected not in as_text(v)
    if op == "starts_with":
        return lambda v: v is not None and as_text(v).startswith(expected)
    if op == "ends_with":
        return lambda v: v is not None and as_text(v).endswith(expected)
    if op == "contains_any":
        return lambda v: v is not None and any(w in as_text(v) for w in expected)
    if op == "contains_none":
        return lambda v: v is None or not any(w in as_text(v) for w in expected)
    if op == "matches":
        return lambda v: v is not None and expected.search(as_bytes(v)) is not None
    if op in ("eq", "ne", "lt", "lte", "gt", "gte"):
        compare = {
            "eq": lambda a: a == expected,
            "ne": lambda a: a != expected,
            "lt": lambda a: a < expected,
            "lte": lambda a: a <= expected,
            "gt": lambda a: a > expected,
            "gte": lambda a: a >= expected,
        }[op]
        if op == "ne":
            return lambda v: as_number(v) is None or compare(as_number(v))
        return lambda v: as_number(v) is not None and compare(as_number(v))
    if op == "between":
        low, high = expected
        return lambda v: as_number(v) is not None and low <= as_number(v) <= high
    if op == "is":
        return lambda v: v == expected
    if op == "is_not":
        return lambda v: v != expected
    if op == "in":
        return lambda v: v in expected
    if op == "not_in":
        return lambda v: v not in expected
    if op == "includes":
        return lambda v: bool(v) and expected in {normalise(str(i)) for i in v}
    if op == "excludes":
        return lambda v: not v or expected not in {normalise(str(i)) for i in v}
    if op == "includes_any":
        return lambda v: bool(v) and bool(set(expected) & {normalise(str(i)) for i in v})
    if op == "includes_all":
        return lambda v: bool(v) and set(expected) <= {normalise(str(i)) for i in v}
    if op == "is_true":
        return lambda v: v is True
    if op == "is_false":
        return lambda v: v is False
    if op == "is_empty":
        return lambda v: v is None or v == "" or v == [] or v == {}
    if op == "is_not_empty":
        return lambda v: not (v is None or v == "" or v == [] or v == {})
    raise ConditionError(f"there is no operator {op!r}")
