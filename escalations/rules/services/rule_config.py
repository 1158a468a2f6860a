"""Writes for rule configuration. Every change raises the rule set's version, so the compiled
set is rebuilt once; django-simple-history keeps each version of a rule with who and when."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import F

from escalations.core import clock
from escalations.core.config_cache import config_changed, config_service
from escalations.rules.actions import ActionError, validate_actions
from escalations.rules.cel_conditions import compile_cel
from escalations.rules.conditions import ConditionError, compile_condition
from escalations.rules.engine import TRIGGERS
from escalations.rules.models import Rule, RuleSet
from escalations.rules.scripts import ScriptError, check_script
from escalations.tickets.selectors.workflows import workflow_of


def rule_validate(rule: Rule) -> None:
    """Refuse what could not run: unknown triggers, fields, operators, values, teams."""
    workspace = rule.rule_set.workspace
    errors: dict[str, list[str]] = {}
    triggers = rule.triggers
    if not isinstance(triggers, list) or not triggers:
        errors["triggers"] = ["Choose at least one trigger."]
    else:
        unknown = [t for t in triggers if t not in TRIGGERS]
        if unknown:
            errors["triggers"] = [f"Unknown trigger(s): {', '.join(map(str, unknown))}."]
        if "no_agent_reply" in triggers and not rule.wait_minutes:
            errors["wait_minutes"] = ["Say how many minutes without an agent reply."]
    custom = {d.key: d for d in workspace.field_definitions.all()}
    try:
        if rule.condition_cel.strip():
            compile_cel(rule.condition_cel, custom_fields=custom)
        else:
            compile_condition(rule.condition, custom_fields=custom)
    except ConditionError as exc:
        field = "condition_cel" if rule.condition_cel.strip() else "condition"
        errors[field] = [f"Condition: {exc}."]
    if rule.script.strip():
        try:
            check_script(rule.script)
        except ScriptError as exc:
            errors["script"] = [f"Script: {exc}."]
    try:
        rule.actions = validate_actions(
            rule.actions,
            team_slugs=set(workspace.teams.values_list("slug", flat=True)),
            custom_keys=set(custom),
            sla_policies=set(workspace.sla_policies.values_list("name", flat=True)),
            status_slugs={status.slug for status in workflow_of(workspace.pk).statuses},
        )
    except ActionError as exc:
        errors["actions"] = [f"Actions: {exc}."]
    if errors:
        raise ValidationError(errors)


def _touch(rule_set_id: int) -> None:
    RuleSet.objects.filter(pk=rule_set_id).update(
        version=F("version") + 1, revision=uuid.uuid4(), updated_at=clock.now()
    )
    config_changed()  # an update() sends no signal


@config_service
def rule_save(*, rule: Rule) -> Rule:
    rule.full_clean()
    rule_validate(rule)
    if rule.pk:
        rule.version = (Rule.objects.filter(pk=rule.pk).values_list("version", flat=True)[0]) + 1
    rule.save()
    _touch(rule.rule_set_id)
    return rule


@config_service
def rule_delete(*, rule: Rule) -> None:
    rule_set_id = rule.rule_set_id
    rule.delete()
    _touch(rule_set_id)


@config_service
def rule_set_save(*, rule_set: RuleSet) -> RuleSet:
    if rule_set.is_live:  # one live set per workspace: the previous one becomes a draft
        RuleSet.objects.filter(workspace=rule_set.workspace_id, is_live=True).exclude(
            pk=rule_set.pk
        ).update(is_live=False, version=F("version") + 1, revision=uuid.uuid4())
        config_changed()
    rule_set.full_clean()
    if rule_set.pk:
        rule_set.version = RuleSet.objects.get(pk=rule_set.pk).version + 1
    rule_set.revision = uuid.uuid4()
    rule_set.updated_at = clock.now()
    rule_set.save()
    return rule_set


@config_service
def rule_set_copy(*, rule_set: RuleSet, name: str = "") -> RuleSet:
    """A draft copy to edit and drill against; the live set keeps running unchanged."""
    draft = RuleSet.objects.create(
        workspace=rule_set.workspace,
        name=name or f"Draft of {rule_set.name}",
        is_live=False,
        based_on=rule_set,
    )
    for rule in rule_set.rules.order_by("position", "id"):
        Rule.objects.create(
            rule_set=draft,
            name=rule.name,
            description=rule.description,
            triggers=rule.triggers,
            condition=rule.condition,
            condition_cel=rule.condition_cel,
            actions=rule.actions,
            script=rule.script,
            position=rule.position,
            is_active=rule.is_active,
            stop_processing=rule.stop_processing,
        )
    return draft


@config_service
def rule_set_publish(*, rule_set: RuleSet) -> RuleSet:
    """Make this set the workspace's live one; the previous live set becomes a draft."""
    rule_set.is_live = True
    return rule_set_save(rule_set=rule_set)
