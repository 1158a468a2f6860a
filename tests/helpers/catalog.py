"""Workspaces made from the catalog's templates, in tests: a sample value for each required
custom field."""

SAMPLE = {
    "text": "Sample",
    "number": 1,
    "integer": 1,
    "boolean": True,
    "date": "2026-11-23",
    "datetime": "2026-11-23T10:00:00+00:00",
    "email": "someone@example.org",
    "url": "https://example.org/",
}


def required_values(workspace) -> dict:
    values = {}
    for field in workspace.field_definitions.filter(is_required=True):
        if field.choices:
            first = field.choices[0]
            values[field.key] = [first] if field.field_type == "multi_choice" else first
        else:
            values[field.key] = SAMPLE[field.field_type]
    return values
