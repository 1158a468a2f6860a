"""Admin form fields: lists of words, phrases and choices edited as text, and JSON shown
indented."""

import json

from django import forms
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from escalations.tickets.services.tickets import normalise_tags


class WordListField(forms.CharField):
    """A list of words edited as comma-separated text."""

    widget = UnfoldAdminTextInputWidget

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_tags(value)


class PrettyJSONField(forms.JSONField):
    widget = UnfoldAdminTextareaWidget(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class ChoiceListField(forms.CharField):
    """Allowed values edited as comma-separated text, kept in the order given."""

    widget = UnfoldAdminTextInputWidget

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        return [item.strip() for item in value.split(",") if item.strip()]


class PhraseListField(forms.CharField):
    """Words or phrases, one per line, kept in the order given, without repeats."""

    widget = UnfoldAdminTextareaWidget(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        phrases = []
        for line in value.splitlines():
            phrase = " ".join(line.split())
            if phrase and phrase.lower() not in {p.lower() for p in phrases}:
                phrases.append(phrase)
        return phrases
