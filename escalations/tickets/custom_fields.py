"""Validation of a ticket's custom fields against its workspace's field definitions.

Pure: it takes anything shaped like a `CustomFieldDefinition` (key, label, field_type,
is_required, choices, pattern) and plain values, and touches no database.
"""

import re
import re._parser as regex_parser
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

TEXT_MAX_LENGTH = 2000
_TRUE_WORDS = {"true", "yes", "1"}
_FALSE_WORDS = {"false", "no", "0"}
_CHOICE_TYPES = {"choice", "multi_choice"}


class FieldSpec(Protocol):
    key: str
    label: str
    field_type: str
    is_required: bool
    choices: list
    pattern: str
    help_text: str


def check_definition(spec: FieldSpec) -> None:
    """Refuse a definition that could never validate a value sensibly."""
    errors: dict[str, str] = {}
    if spec.field_type in _CHOICE_TYPES:
        if not isinstance(spec.choices, list) or not spec.choices:
            errors["choices"] = "A choice field needs a list of allowed values."
        elif not all(isinstance(c, str) and c.strip() for c in spec.choices):
            errors["choices"] = "Every choice must be a non-empty text."
        elif len(set(spec.choices)) != len(spec.choices):
            errors["choices"] = "Choices must not repeat."
    elif spec.choices:
        errors["choices"] = "Only choice fields take a list of choices."
    if spec.pattern:
        if spec.field_type != "text":
            errors["pattern"] = "Only text fields take a pattern."
        else:
            try:
                re.compile(spec.pattern)
            except re.error as exc:
                errors["pattern"] = f"Not a valid regular expression: {exc}."
    if errors:
        raise ValidationError(errors)


def clean_custom_fields(specs: Iterable[FieldSpec], values: Any) -> dict[str, Any]:
    """Return the values normalised, or raise one ValidationError naming every bad field."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationError({"custom_fields": "Custom fields must be an object of key: value."})
    by_key = {spec.key: spec for spec in specs}
    problems: list[str] = []
    cleaned: dict[str, Any] = {}
    for key in sorted(set(values) - set(by_key)):
        problems.append(f"{key}: no such field in this workspace.")
    for key, spec in by_key.items():
        raw = values.get(key)
        if raw is None or raw == "" or raw == []:
            if spec.is_required:
                problems.append(f"{spec.label} ({key}): this field is required.")
            continue
        try:
            cleaned[key] = clean_value(spec, raw)
        except ValueError as exc:
            problems.append(f"{spec.label} ({key}): {exc}")
    if problems:
        raise ValidationError({"custom_fields": problems})
    return cleaned


def clean_value(spec: FieldSpec, raw: Any) -> Any:
    cleaner = _CLEANERS.get(spec.field_type)
    if cleaner is None:
        raise ValueError(f"unknown field type {spec.field_type!r}.")
    return cleaner(spec, raw)


def _text(spec: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("expected text.")
    if len(raw) > TEXT_MAX_LENGTH:
        raise ValueError(f"at most {TEXT_MAX_LENGTH} characters.")
    if spec.pattern and not re.fullmatch(spec.pattern, raw):
        raise ValueError(pattern_problem(spec.pattern, raw))
    return raw


def pattern_problem(pattern: str, raw: str) -> str:
    """What a value failing the pattern is told: a value that fits, and the pattern itself.
    (A definition's help text says what the field is for, not what it must look like.)"""
    example = pattern_example(pattern)
    if example is None:
        return _("%(value)s is not in the expected format: the pattern %(pattern)s.") % {
            "value": repr(raw),
            "pattern": pattern,
        }
    return _(
        "%(value)s is not in the expected format: a value like %(example)s "
        "(the pattern %(pattern)s)."
    ) % {"value": repr(raw), "example": example, "pattern": pattern}


def pattern_example(pattern: str) -> str | None:
    """The shortest value the pattern takes, with digits counting up from 1 and letters from
    A (``INC-[0-9]{4,8}`` gives INC-1234); None for what cannot be shown that simply
    (look-arounds, back-references, negated classes)."""
    try:
        example = _example(regex_parser.parse(pattern), 0)
    except (re.error, _NoExample, ValueError, TypeError):
        return None
    return example if example and re.fullmatch(pattern, example) else None


class _NoExample(Exception):
    pass


_CATEGORY_CHARS = {
    regex_parser.CATEGORY_DIGIT: "0123456789",
    regex_parser.CATEGORY_WORD: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    regex_parser.CATEGORY_SPACE: " ",
}
_REPEATS = {
    regex_parser.MAX_REPEAT,
    regex_parser.MIN_REPEAT,
    getattr(regex_parser, "POSSESSIVE_REPEAT", regex_parser.MAX_REPEAT),
}


def _example(items, turn: int) -> str:
    """`turn` counts the repetitions of the enclosing repeat, so that a class repeated
    gives 1234 rather than 1111."""
    out = []
    for op, value in items:
        if op is regex_parser.LITERAL:
            out.append(chr(value))
        elif op is regex_parser.ANY:
            out.append("x")
        elif op is regex_parser.IN:
            chars = _class_chars(value)
            if chars.startswith("01"):
                chars = chars[1:] + chars[0]  # 1, 2, 3 … reads as a number
            out.append(chars[turn % len(chars)])
        elif op in _REPEATS:
            low, _high, item = value
            out.extend(_example(item, n) for n in range(low))
        elif op is regex_parser.SUBPATTERN:
            out.append(_example(value[-1], turn))
        elif op is regex_parser.BRANCH:
            out.append(_example(value[1][0], turn))
        elif op is regex_parser.AT:
            continue  # ^, $, \b take no characters
        else:
            raise _NoExample(op)
    return "".join(out)


def _class_chars(items) -> str:
    chars = ""
    for op, value in items:
        if op is regex_parser.LITERAL:
            chars += chr(value)
        elif op is regex_parser.RANGE:
            low, high = value
            chars += "".join(chr(c) for c in range(low, min(high, low + 40) + 1))
        elif op is regex_parser.CATEGORY and value in _CATEGORY_CHARS:
            chars += _CATEGORY_CHARS[value]
        else:
            raise _NoExample(op)  # a negated class or an unusual category
    if not chars:
        raise _NoExample("empty class")
    return chars


def _number(spec: FieldSpec, raw: Any) -> float | int:
    if isinstance(raw, bool):
        raise ValueError("expected a number, got yes/no.")
    if isinstance(raw, int | float):
        return raw
    if isinstance(raw, str):
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number.") from None
        return int(value) if value.is_integer() and "." not in raw else value
    raise ValueError("expected a number.")


def _integer(spec: FieldSpec, raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected a whole number, got yes/no.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw)
    raise ValueError(f"{raw!r} is not a whole number.")


def _boolean(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return raw.strip().lower() in _TRUE_WORDS
    raise ValueError(f"{raw!r} is not yes or no.")


def _date(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw.isoformat()
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD).")


def _datetime(spec: FieldSpec, raw: Any) -> str:
    value = raw
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a date and time (ISO 8601).") from None
    if not isinstance(value, datetime):
        raise ValueError("expected a date and time (ISO 8601).")
    if value.tzinfo is None:
        raise ValueError("the date and time needs a time zone, e.g. 2026-05-01T09:00+02:00.")
    return value.isoformat()


def _choice(spec: FieldSpec, raw: Any) -> str:
    if raw not in spec.choices:
        raise ValueError(f"{raw!r} is not one of {', '.join(spec.choices)}.")
    return raw


def _multi_choice(spec: FieldSpec, raw: Any) -> list[str]:
    if not isinstance(raw, list):
        raise ValueError("expected a list of choices.")
    unknown = [value for value in raw if value not in spec.choices]
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} not among {', '.join(spec.choices)}.")
    return [choice for choice in spec.choices if choice in raw]


def _validated_by(validator, what: str):
    def clean(spec: FieldSpec, raw: Any) -> str:
        if not isinstance(raw, str):
            raise ValueError(f"expected {what}.")
        try:
            validator(raw.strip())
        except ValidationError:
            raise ValueError(f"{raw!r} is not {what}.") from None
        return raw.strip()

    return clean


_CLEANERS = {
    "text": _text,
    "number": _number,
    "integer": _integer,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "email": _validated_by(EmailValidator(), "an email address"),
    "url": _validated_by(URLValidator(), "a web address"),
}
