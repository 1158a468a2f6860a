"""Stored values as people read them: a key by its label, a list as words, nothing for an empty
value. Free-form context (CRM data, custom fields, snapshots) goes through here wherever the
admin shows it, so `account_manager: None` never reaches a page."""

from collections.abc import Mapping

from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def key_label(key: str, labels: Mapping[str, str] | None = None) -> str:
    """The label given for the key, or the key in words ("account_manager": "Account manager")."""
    if labels and labels.get(key):
        return str(labels[key])
    return capfirst(str(key).replace("_", " ").replace(".", " ").strip())


def value_text(value) -> str:
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item) for item in value if not is_empty(item))
    if isinstance(value, Mapping):
        return "; ".join(f"{label}: {text}" for label, text in labelled_values(value))
    return str(value)


def labelled_values(
    values: Mapping | None, labels: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(label, text) for each value that says something; empty ones are left out."""
    return [
        (key_label(key, labels), value_text(value))
        for key, value in (values or {}).items()
        if not is_empty(value)
    ]


def model_field_labels(model) -> dict[str, str]:
    """A model's field names and their verbose names, to label a snapshot of its fields."""
    return {field.name: capfirst(field.verbose_name) for field in model._meta.fields}


def custom_field_rows(ticket) -> list[tuple[str, str]]:
    """A ticket's custom fields, each by its label, an unset one as a dash."""
    stored = ticket.custom_fields or {}
    return [
        (definition.label or key_label(definition.key), value_text(stored.get(definition.key)))
        for definition in ticket.workspace.field_definitions.all()
    ]


def duration_text(seconds: float | None) -> str:
    """A length of time as people say it: "45 s", "28 min", "1 h 5 min", "2 d 3 h"."""
    if seconds is None:
        return EMPTY
    if round(seconds) < 60:
        return _("%(seconds)d s") % {"seconds": round(seconds)}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes == 0:
            return _("%(hours)d h") % {"hours": hours}
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours + (minutes >= 30), 24)
    if hours == 0:
        return _("%(days)d d") % {"days": days}
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


SECONDS_PER = {"seconds": 1, "minutes": 60, "hours": 3600}


def figure_text(value, unit: str, *, signed: bool = False) -> str:
    """A report figure with its unit: durations as people say them, shares with a % sign."""
    if value is None:
        return EMPTY
    sign = ("+" if value > 0 else "-" if value < 0 else "") if signed else ""
    size = abs(value) if signed else value
    if unit in SECONDS_PER:
        return sign + duration_text(size * SECONDS_PER[unit])
    if unit == "percent":
        return f"{sign}{size:g} %"
    return f"{sign}{size:g}"
