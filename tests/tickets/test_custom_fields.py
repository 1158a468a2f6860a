"""Custom-field validation is pure: no database needed."""

import re
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError

from escalations.tickets.custom_fields import check_definition, clean_custom_fields, pattern_example


@dataclass
class Spec:
    key: str
    field_type: str = "text"
    label: str = ""
    is_required: bool = False
    choices: list = field(default_factory=list)
    pattern: str = ""
    help_text: str = ""

    def __post_init__(self):
        self.label = self.label or self.key.replace("_", " ").capitalize()


SPECS = [
    Spec("order_number", pattern=r"NW-\d{6}"),
    Spec("impact", "choice", choices=["low", "medium", "high"], is_required=True),
    Spec("systems", "multi_choice", choices=["crm", "erp", "billing"]),
    Spec("amount", "number"),
    Spec("seats", "integer"),
    Spec("warranty", "boolean"),
    Spec("due", "date"),
    Spec("seen_at", "datetime"),
    Spec("contact", "email"),
    Spec("runbook", "url"),
]


def problems(values):
    with pytest.raises(ValidationError) as exc:
        clean_custom_fields(SPECS, values)
    return exc.value.message_dict["custom_fields"]


def test_valid_values_are_normalised():
    cleaned = clean_custom_fields(
        SPECS,
        {
            "order_number": "NW-123456",
            "impact": "high",
            "systems": ["erp", "crm"],
            "amount": "19.90",
            "seats": "12",
            "warranty": "yes",
            "due": "2026-12-01",
            "seen_at": "2026-12-01T09:30:00+01:00",
            "contact": " ops@example.com ",
            "runbook": "https://wiki.example.com/runbook",
        },
    )
    assert cleaned == {
        "order_number": "NW-123456",
        "impact": "high",
        "systems": ["crm", "erp"],
        "amount": 19.9,
        "seats": 12,
        "warranty": True,
        "due": "2026-12-01",
        "seen_at": "2026-12-01T09:30:00+01:00",
        "contact": "ops@example.com",
        "runbook": "https://wiki.example.com/runbook",
    }


def test_empty_optional_fields_are_dropped_and_required_ones_reported():
    assert problems({"order_number": ""}) == ["Impact (impact): this field is required."]


def test_every_bad_field_is_named_in_one_error():
    found = problems(
        {
            "impact": "catastrophic",
            "order_number": "12345",
            "systems": ["crm", "sap"],
            "amount": "lots",
            "seats": 2.5,
            "warranty": "maybe",
            "due": "31/12/2026",
            "seen_at": "2026-12-01T09:30:00",
            "contact": "not-an-email",
            "runbook": "wiki",
            "colour": "red",
        }
    )
    assert found == [
        "colour: no such field in this workspace.",
        "Order number (order_number): '12345' is not in the expected format: "
        "a value like NW-123456 (the pattern NW-\\d{6}).",
        "Impact (impact): 'catastrophic' is not one of low, medium, high.",
        "Systems (systems): 'sap' not among crm, erp, billing.",
        "Amount (amount): 'lots' is not a number.",
        "Seats (seats): 2.5 is not a whole number.",
        "Warranty (warranty): 'maybe' is not yes or no.",
        "Due (due): '31/12/2026' is not a date (YYYY-MM-DD).",
        "Seen at (seen_at): the date and time needs a time zone, e.g. 2026-05-01T09:00+02:00.",
        "Contact (contact): 'not-an-email' is not an email address.",
        "Runbook (runbook): 'wiki' is not a web address.",
    ]


def test_booleans_are_not_numbers():
    assert problems({"impact": "low", "amount": True}) == [
        "Amount (amount): expected a number, got yes/no."
    ]


def test_values_must_be_an_object():
    with pytest.raises(ValidationError, match="object of key: value"):
        clean_custom_fields(SPECS, ["impact", "low"])


@pytest.mark.parametrize(
    ("spec", "field_name", "message"),
    [
        (Spec("x", "choice"), "choices", "needs a list of allowed values"),
        (Spec("x", "choice", choices=["a", "a"]), "choices", "must not repeat"),
        (Spec("x", "text", choices=["a"]), "choices", "Only choice fields"),
        (Spec("x", "text", pattern="("), "pattern", "Not a valid regular expression"),
        (Spec("x", "number", pattern=r"\d"), "pattern", "Only text fields"),
    ],
)
def test_bad_definitions_are_refused(spec, field_name, message):
    with pytest.raises(ValidationError) as exc:
        check_definition(spec)
    assert message in exc.value.message_dict[field_name][0]


def test_a_pattern_error_shows_a_value_in_the_format_not_the_help_text():
    spec = Spec("incident", pattern=r"INC-[0-9]{4,8}", help_text="The parent incident")
    with pytest.raises(ValidationError) as exc:
        clean_custom_fields([spec], {"incident": "12"})
    assert exc.value.message_dict["custom_fields"] == [
        "Incident (incident): '12' is not in the expected format: a value like INC-1234 "
        "(the pattern INC-[0-9]{4,8})."
    ]


@pytest.mark.parametrize(
    ("pattern", "example"),
    [
        (r"CAB-[0-9]{4}-[0-9]{3}", "CAB-1234-123"),
        (r"[A-Z]{2}-[0-9]{4,10}", "AB-1234"),
        (r"CP-[0-9]{1,2}(\.[0-9]{1,2})?", "CP-1"),
        (r"^(IAP|PLAN)-\d+$", "IAP-1"),
        (r"[0-9a-f]{8}", "12345678"),
    ],
)
def test_a_pattern_is_shown_by_a_value_it_takes(pattern, example):
    assert pattern_example(pattern) == example
    assert re.fullmatch(pattern, example)


@pytest.mark.parametrize("pattern", [r"[^a]+", r"(a)\1", r"(?=x)x+", r"\d*"])
def test_a_pattern_without_a_plain_example_is_shown_as_the_pattern(pattern):
    spec = Spec("code", pattern=pattern)
    with pytest.raises(ValidationError) as exc:
        clean_custom_fields([spec], {"code": "a"})
    assert exc.value.message_dict["custom_fields"] == [
        f"Code (code): 'a' is not in the expected format: the pattern {pattern}."
    ]
