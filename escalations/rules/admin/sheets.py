"""Rules as a sheet: one row per rule of a rule set, its triggers, condition (rows as JSON, or
CEL), actions as JSON and optional script. Each row is checked and saved like a rule edited in
the admin: the rule set's version goes up and the previous version stays in the history."""

from import_export import widgets

from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_delete, rule_save, rule_validate
from escalations.spreadsheets.base import (
    Lookup,
    Minutes,
    SheetResource,
    Whole,
    WordList,
    YesNo,
    column,
    in_workspace,
)
from escalations.spreadsheets.formats import SheetLayout

INACTIVE_FILL = "E5E7EB"


class Json(widgets.JSONWidget):
    """JSON text; a cell that is not JSON is refused with the parser's reason."""

    def __init__(self, empty):
        super().__init__()
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        import json

        if value is None or not str(value).strip():
            return self.empty()
        try:
            return json.loads(str(value))
        except json.JSONDecodeError as exc:
            raise ValueError(f"Not JSON: {exc.msg} at character {exc.pos}.") from None

    def render(self, value, obj=None, **kwargs):
        import json

        return json.dumps(value, ensure_ascii=False) if value else ""


class RuleResource(SheetResource):
    layout = SheetLayout(
        title="Rules",
        heading="Rules: when a trigger happens and the condition holds, the actions run",
        notes=[
            "Condition and actions are JSON as the rule builder writes them; inactive rules "
            "are grey."
        ],
        row_fill=lambda row: "" if row.get("Active") in (True, "1", "True", 1) else INACTIVE_FILL,
    )
    parents = {RuleSet: "rule_set__in"}

    workspace = column("rule_set__workspace__slug", "Workspace", readonly=True)
    rule_set = column("rule_set", "Rule set", Lookup(RuleSet, "rule set", in_workspace))
    name = column("name", "Name")
    position = column("position", "Position", Whole())
    active = column("is_active", "Active", YesNo())
    triggers = column("triggers", "Triggers", WordList())
    wait = column("wait_minutes", "Wait (min)", Minutes())
    condition = column("condition", "Condition", Json(dict))
    condition_cel = column("condition_cel", "Condition (CEL)")
    actions = column("actions", "Actions", Json(list))
    script = column("script", "Script")
    stop = column("stop_processing", "Stop processing", YesNo())
    description = column("description", "Description")

    class Meta(SheetResource.Meta):
        model = Rule
        name = "Rules"
        fields = (
            "workspace",
            "rule_set",
            "name",
            "position",
            "active",
            "triggers",
            "wait",
            "condition",
            "condition_cel",
            "actions",
            "script",
            "stop",
            "description",
            "remove",
        )
        import_id_fields = ("rule_set", "name")

    def get_queryset(self):
        return Rule.objects.select_related("rule_set__workspace").order_by(
            "rule_set__workspace__slug", "rule_set__name", "position", "id"
        )

    def check_instance(self, instance) -> None:
        rule_validate(instance)

    def do_instance_save(self, instance, is_create):
        rule_save(rule=instance)
        self.saved.append(instance)

    def delete_instance(self, instance, row, **kwargs):
        rule_delete(rule=instance)
