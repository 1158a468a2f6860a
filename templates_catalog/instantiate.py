"""Using a template: it becomes a workspace that works at once (the definition stays in the
catalog; the workspace is the run, and records the template's slug and version)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from escalations.ai.models import EscalationPolicy
from escalations.core.config_cache import config_service
from escalations.governance.services.raci import raci_matrix_create
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save
from escalations.sla.models import ClimbWhen, EscalationLadder, LadderLevel, SlaPolicy, SlaTarget
from escalations.tickets.models import (
    AssignmentFallback,
    AssignmentStrategy,
    CustomFieldDefinition,
    CustomStatus,
    Team,
    TeamMembership,
    Workspace,
)
from escalations.tickets.workflow import LANDING_FIELDS
from templates_catalog.documents import documents_create, saved
from templates_catalog.models import WorkflowTemplate
from templates_catalog.shapes import PRIORITIES

# Who may use a template: whoever may add workspaces.
USE_PERMISSION = "escalations.add_workspace"


@config_service
def template_instantiate(
    *,
    template: WorkflowTemplate,
    name: str,
    slug: str = "",
    members_from: dict[str, Team] | None = None,
) -> Workspace:
    """A new workspace set up as the template says: teams (placeholders to rename, or joined by
    the members of existing teams), statuses and their allowed moves, custom fields, SLA
    policies, ladders, AI escalation policies and live rules. The workspace records the
    template's slug and version; editing it never changes the template."""
    spec = template.spec
    name = name.strip()
    # A taken slug is the slug's fault when the caller chose it, the name's when made from it.
    slug_field = "slug" if slug.strip() else "name"
    slug = slugify(slug or name)[:60]
    if not name or not slug:
        raise ValidationError({"name": "Give the new workspace a name."})
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError(
            {slug_field: _("A workspace called '%(slug)s' exists already.") % {"slug": slug}}
        )
    settings_ = spec.get("workspace", {})
    workspace = saved(
        Workspace(
            name=name,
            slug=slug,
            description=spec["description"].strip(),
            time_zone=settings_.get("time_zone", "UTC"),
            human_request_phrases=settings_.get("human_request_phrases", []),
            escalation_summary_required=settings_.get("escalation_summary_required", True),
            template_slug=template.slug,
            template_version=str(template.version),
        )
    )
    teams = _teams(workspace, spec["teams"], members_from or {})
    statuses = _statuses(workspace, spec)
    _fields(workspace, spec.get("fields", []))
    ladders = _ladders(workspace, spec.get("ladders", []), teams)
    _sla_policies(workspace, spec.get("sla_policies", []), statuses, ladders)
    _escalation_policies(workspace, spec.get("escalation_policies", []), teams)
    _rules(workspace, spec.get("rules", []))
    documents_create(workspace, spec.get("documents", []), teams, statuses)
    if spec.get("raci"):
        raci_matrix_create(
            workspace=workspace,
            name=template.name,
            roles=[{"name": role} for role in spec["raci"]["roles"]],
            activities=spec["raci"]["activities"],
        )
    return workspace


def _teams(workspace, specs: list[dict], members_from: dict[str, Team]) -> dict[str, Team]:
    teams = {}
    for item in specs:
        teams[item["key"]] = saved(
            Team(
                workspace=workspace,
                name=item["name"],
                slug=item["key"],
                tier=item["tier"],
                is_escalation_target=item.get("escalation_target", False),
                description=item.get("description", ""),
                assignment_strategy=item.get("strategy", AssignmentStrategy.LEAST_OPEN),
                only_available=item.get("only_available", False),
                max_open_per_agent=item.get("max_open_per_agent"),
                fallback=item.get("fallback", AssignmentFallback.QUEUE),
            )
        )
    for item in specs:
        if item.get("fallback_team"):
            team = teams[item["key"]]
            team.fallback_team = teams[item["fallback_team"]]
            team.save(update_fields=["fallback_team"])
    for key, existing in members_from.items():
        if key not in teams:
            raise ValidationError({"members_from": f"The template has no team {key!r}."})
        for membership in existing.memberships.all():
            TeamMembership.objects.get_or_create(
                team=teams[key], agent_id=membership.agent_id, defaults={"role": membership.role}
            )
    return teams


def _statuses(workspace, spec: dict) -> dict[str, CustomStatus]:
    statuses = {}
    for position, item in enumerate(spec.get("statuses", []), start=1):
        statuses[item["name"]] = saved(
            CustomStatus(
                workspace=workspace,
                name=item["name"],
                slug=slugify(item["name"])[:60],
                lifecycle_state=item["lifecycle"],
                is_default=item.get("default", False),
                from_any_status=item.get("from_any", False),
                position=position,
            )
        )
    for move in spec.get("status_transitions", []):
        statuses[move["from"]].next_statuses.add(*(statuses[to] for to in move["to"]))
    landings = {
        LANDING_FIELDS[move]: statuses[name]
        for move, name in (spec.get("system_moves") or {}).items()
    }
    if landings:
        for field, status in landings.items():
            setattr(workspace, field, status)
        workspace.save(update_fields=list(landings))
    return statuses


def _fields(workspace, specs: list[dict]) -> None:
    for position, item in enumerate(specs, start=1):
        saved(
            CustomFieldDefinition(
                workspace=workspace,
                key=item["key"],
                label=item["label"],
                field_type=item["type"],
                is_required=item.get("required", False),
                choices=item.get("choices", []),
                pattern=item.get("pattern", ""),
                help_text=item.get("help", ""),
                position=position,
            )
        )


def _ladders(workspace, specs: list[dict], teams: dict) -> dict[str, EscalationLadder]:
    ladders = {}
    for item in specs:
        ladder = saved(
            EscalationLadder(
                workspace=workspace,
                name=item["name"],
                description=item.get("description", ""),
                repeat=item.get("repeat", 0),
            )
        )
        for position, level in enumerate(item["levels"], start=1):
            saved(
                LadderLevel(
                    ladder=ladder,
                    position=position,
                    name=level["name"],
                    after_minutes=level["after_minutes"],
                    climb_when=level.get("when", ClimbWhen.NO_FIRST_RESPONSE),
                    to_team=teams.get(level.get("to_team")),
                    to_tier=level.get("to_tier"),
                    raise_priority=level.get("raise_priority", False),
                    notify=level.get("notify", []),
                )
            )
        ladders[item["name"]] = ladder
    return ladders


def _sla_policies(workspace, specs: list[dict], statuses: dict, ladders: dict) -> None:
    for position, item in enumerate(specs, start=1):
        match = item.get("match", {})
        policy = SlaPolicy(
            workspace=workspace,
            name=item["name"],
            position=position,
            is_default=item.get("default", False),
            applies_to_all=item.get("every_ticket", False),
            business_hours=item.get("business_hours", True),
            match_topics=match.get("topics", []),
            match_customer_tiers=match.get("customer_tiers", []),
            match_segments=match.get("segments", []),
            match_channels=match.get("channels", []),
            ladder=ladders.get(item.get("ladder")),
        )
        if "warning_percent" in item:
            policy.warning_percent = item["warning_percent"]
        saved(policy)
        policy.pause_custom_statuses.set(statuses[n] for n in item.get("pause_statuses", []))
        for target in item["targets"]:
            saved(
                SlaTarget(
                    policy=policy,
                    priority=PRIORITIES[target["priority"]],
                    first_response_minutes=target.get("first_response_minutes"),
                    next_response_minutes=target.get("next_response_minutes"),
                    resolution_minutes=target.get("resolution_minutes"),
                )
            )


def _escalation_policies(workspace, specs: list[dict], teams: dict) -> None:
    for item in specs:
        policy = EscalationPolicy(
            workspace=workspace,
            name=item["name"],
            categories=item.get("categories", []),
            is_default=item.get("default", False),
            always_human=item.get("always_human", False),
            keywords=item.get("keywords", []),
            customer_tiers=item.get("customer_tiers", []),
            required_fields=item.get("required_fields", []),
            check_field_formats=item.get("check_field_formats", False),
            escalate_on_flags=item.get("escalate_on_flags", []),
            to_team=teams.get(item.get("to_team")),
        )
        for number in ("min_confidence", "sentiment_floor"):
            if item.get(number) is not None:
                setattr(policy, number, Decimal(str(item[number])))
        if item.get("to_tier"):
            policy.to_tier = item["to_tier"]
        elif policy.to_team is not None:
            policy.to_tier = policy.to_team.tier
        saved(policy)


def _rules(workspace, specs: list[dict]) -> None:
    if not specs:
        return
    live = rule_set_save(
        rule_set=RuleSet(workspace=workspace, name="Live (from the template)", is_live=True)
    )
    for position, item in enumerate(specs, start=1):
        rule_save(
            rule=Rule(
                rule_set=live,
                name=item["name"],
                description=item.get("description", ""),
                position=position,
                triggers=item["triggers"],
                wait_minutes=item.get("wait_minutes"),
                condition=item.get("condition") or {},
                actions=item["actions"],
                is_active=item.get("active", True),
            )
        )
