"""The no-code condition editor: rows of field / operator / value in all / any / not groups.

It edits the same JSON tree the engine compiles; a tree deeper than two levels opens in the
JSON editor instead. Validation happens on the server at save time, as for any rule.
"""

import json

from django import forms

from escalations.rules.actions import ACTION_TYPES
from escalations.rules.conditions import OPERATORS
from escalations.rules.fields import ANY, FIELDS


def builder_config(custom_fields=()) -> dict:
    fields = [
        {"name": spec.name, "label": spec.label, "kind": spec.kind, "choices": list(spec.choices)}
        for spec in FIELDS.values()
    ]
    fields += [
        {
            "name": f"custom.{d.key}",
            "label": f"Custom field: {d.label}",
            "kind": ANY,
            "choices": list(d.choices or []),
        }
        for d in custom_fields
    ]
    operators = {}
    for name, operator in OPERATORS.items():
        for kind in operator.kinds:
            operators.setdefault(kind, []).append(
                {"op": name, "label": operator.label, "takes": operator.takes}
            )
    return {"fields": fields, "operators": operators}


class ConditionBuilderWidget(forms.Widget):
    template_name = "escalations/widgets/condition_builder.html"

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_fields = custom_fields

    def format_value(self, value):
        if value in (None, ""):
            return "{}"
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["config"] = builder_config(self.custom_fields)
        context["widget"]["config_id"] = f"{attrs.get('id') or name}-builder-config"
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class ActionListWidget(forms.Widget):
    """Rule actions as rows: what to do, its value, and a detail (a summary or a note)."""

    template_name = "escalations/widgets/action_list.html"

    def format_value(self, value):
        if value in (None, ""):
            return "[]"
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["config"] = {
            "types": [
                {"type": key, "label": spec.label, "help": spec.value_help}
                for key, spec in ACTION_TYPES.items()
            ]
        }
        context["widget"]["config_id"] = f"{attrs.get('id') or name}-actions-config"
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
