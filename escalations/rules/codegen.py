"""Conditions as generated Python: one expression per rule, built only from the fixed
templates below. Every value a manager typed is a constant in a table (C[i]), never part of
the source, and the expression runs with no builtins, so nothing a user writes runs as code.
"""

import re
from collections.abc import Callable
from typing import Any

from escalations.rules.fields import NUMBER
from escalations.rules.text import compile_pattern_set, normalise, normalised_bytes


class RegexBank:
    """The regular expressions of a whole rule set, per field, matched in one pass each.

    RE2 matches a set of patterns as fast as one; a rule set with twenty regex rows on the
    subject then costs one scan of the subject per event instead of twenty.
    """

    def __init__(self):
        self._patterns: dict[tuple, list[bytes]] = {}
        self._sets: dict[tuple, Any] = {}

    def add(self, path: tuple, pattern: str) -> int:
        patterns = self._patterns.setdefault(path, [])
        patterns.append(normalise(pattern).encode())
        return len(patterns) - 1

    def freeze(self) -> "RegexBank":
        for path, patterns in self._patterns.items():
            self._sets[path] = compile_pattern_set(tuple(patterns))
        return self

    def hits(self, facts: dict, path: tuple) -> frozenset[int]:
        memo = facts.setdefault("_regex_hits", {})
        key = (id(self), path)
        found = memo.get(key)
        if found is None:
            value = facts
            for part in path[:-1]:
                value = value[part]
            value = value.get(path[-1])
            found = (
                frozenset()
                if value is None
                else frozenset(self._sets[path].Match(as_bytes(value)) or ())
            )
            memo[key] = found
        return found


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    return normalise(value if isinstance(value, str) else str(value))


def as_bytes(value: Any) -> bytes:
    return normalised_bytes(value if isinstance(value, str) else str(value))


def as_set(value: Any) -> frozenset:
    if not value:
        return frozenset()
    return frozenset(normalise(str(item)) for item in value)


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def constant(consts: list, value: Any) -> str:
    consts.append(value)
    return f"C[{len(consts) - 1}]"


def row_source(op: str, spec, expected: Any, consts: list) -> str:
    """The expression for one row. `V` reads the field; `E` is the expected value."""
    *parents, last = spec.path
    value = "f" + "".join(f"[{constant(consts, key)}]" for key in parents)
    value += f".get({constant(consts, last)})"
    if op in ("contains_any", "contains_none"):
        # Literal words only: one alternation, which cannot backtrack badly.
        expected = re.compile("|".join(re.escape(word) for word in expected))
    e = constant(consts, expected) if expected is not None else "None"
    if op in _TEXT_TEMPLATES:
        return _TEXT_TEMPLATES[op].format(V=value, E=e)
    if op in _NUMBER_TEMPLATES:
        # Catalog numbers are numbers already; custom and CRM values may be text.
        template = _NUMBER_TEMPLATES[op]
        if spec.kind == NUMBER:
            template = template.replace("_num({V})", "{V}")
        return template.format(V=value, E=e)
    return _OTHER_TEMPLATES[op].format(V=value, E=e)


_TEXT_TEMPLATES = {
    "equals": "(_t({V}) == {E})",
    "not_equals": "(_t({V}) != {E})",
    "contains": "((_v := {V}) is not None and {E} in _t(_v))",
    "not_contains": "((_v := {V}) is None or {E} not in _t(_v))",
    "starts_with": "((_v := {V}) is not None and _t(_v).startswith({E}))",
    "ends_with": "((_v := {V}) is not None and _t(_v).endswith({E}))",
    "contains_any": "((_v := {V}) is not None and {E}.search(_t(_v)) is not None)",
    "contains_none": "((_v := {V}) is None or {E}.search(_t(_v)) is None)",
    "matches": "((_v := {V}) is not None and {E}.search(_b(_v)) is not None)",
}
_NUMBER_TEMPLATES = {
    "eq": "((_x := _num({V})) is not None and _x == {E})",
    "ne": "((_x := _num({V})) is None or _x != {E})",
    "lt": "((_x := _num({V})) is not None and _x < {E})",
    "lte": "((_x := _num({V})) is not None and _x <= {E})",
    "gt": "((_x := _num({V})) is not None and _x > {E})",
    "gte": "((_x := _num({V})) is not None and _x >= {E})",
    "between": "((_x := _num({V})) is not None and {E}[0] <= _x <= {E}[1])",
}
_OTHER_TEMPLATES = {
    "is": "({V} == {E})",
    "is_not": "({V} != {E})",
    "in": "({V} in {E})",
    "not_in": "({V} not in {E})",
    "includes": "({E} in _set({V}))",
    "excludes": "({E} not in _set({V}))",
    "includes_any": "(not _set({V}).isdisjoint({E}))",
    "includes_all": "(bool(_v := _set({V})) and _v.issuperset({E}))",
    "is_true": "({V} is True)",
    "is_false": "({V} is False)",
    "is_empty": "_empty({V})",
    "is_not_empty": "(not _empty({V}))",
}


def generate(source: str, constants: list) -> Callable[[dict], bool]:
    """Turn the tree's expression into one function. The expression is built only from the
    fixed templates below, with constants referenced as C[i]; it runs with no builtins."""
    namespace = {"__builtins__": {}, "C": tuple(constants), **_HELPERS}
    return eval(f"lambda f: bool({source})", namespace)


_HELPERS = {
    "_t": as_text,
    "_b": as_bytes,
    "_num": as_number,
    "_set": as_set,
    "_empty": is_empty,
    "_rx": lambda bank, facts, path: bank.hits(facts, path),
    "bool": bool,
}
