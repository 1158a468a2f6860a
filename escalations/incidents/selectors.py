"""Reads for incidents: the printed escalation procedure, and who may own a communication plan."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from escalations.ai.models import EscalationPolicy
from escalations.governance.models import RaciAssignment
from escalations.incidents.models import IncidentActionPlan
from escalations.tickets.models import MembershipRole, Tier, Workspace

# A communication plan's owner sends its status updates, reminded in the admin.
COMMUNICATION_OWNER_PERMISSION = "escalations.add_statusupdate"


@dataclass
class Level:
    tier: str
    teams: list = field(default_factory=list)  # (team, leads, member count, strategy)


def procedure_document(workspace: Workspace) -> dict:
    """Everything the printed procedure shows, read now (so it is never out of date)."""
    written = getattr(workspace, "procedure", None)
    plan_contacts = [
        contact
        for plan in workspace.communication_plans.prefetch_related("contacts")
        for contact in plan.contacts.all()
    ]
    written_contacts = written.contacts if written else []
    levels = []
    for value, label in Tier.choices:
        teams = []
        teams_of_tier = workspace.teams.filter(tier=value).order_by("name")
        for team in teams_of_tier.prefetch_related("memberships__agent"):
            memberships = list(team.memberships.all())
            leads = [m.agent.display_name for m in memberships if m.role == MembershipRole.LEAD]
            teams.append(
                {
                    "team": team,
                    "leads": leads,
                    "members": len(memberships),
                    "strategy": team.get_assignment_strategy_display(),
                    "contacts": _team_contacts(team, written_contacts, plan_contacts),
                }
            )
        if teams:
            levels.append(Level(label, teams))
    policies = [
        {"policy": p, "triggers": _policy_triggers(p)}
        for p in EscalationPolicy.objects.filter(workspace=workspace, is_active=True)
        .select_related("to_team")
        .order_by("-is_default", "name")
    ]
    ladders = [
        {"ladder": ladder, "levels": list(ladder.levels.select_related("to_team"))}
        for ladder in workspace.ladders.order_by("name")
    ]
    sla = [
        {"policy": p, "targets": sorted(p.targets.all(), key=lambda t: -t.priority)}
        for p in workspace.sla_policies.filter(is_active=True).prefetch_related("targets")
    ]
    told = list(
        RaciAssignment.objects.filter(
            activity__matrix__workspace=workspace, activity__escalation_level__isnull=False
        )
        .select_related("activity", "role")
        .order_by("activity__escalation_level", "activity__position", "role__position")
    )
    processes = [
        {"process": process, "steps": list(process.steps.all())}
        for process in workspace.processes.prefetch_related("steps__owner_team", "gated_statuses")
    ]
    return {
        "workspace": workspace,
        "written": written,
        "processes": processes,
        "levels": levels,
        "phrases": workspace.human_request_phrases,
        "policies": policies,
        "ladders": ladders,
        "sla": sla,
        "raci": told,
        "contacts": written_contacts
        + [
            {
                "name": c.name,
                "role": c.role,
                "channel": c.get_channel_display(),
                "address": c.address,
            }
            for c in plan_contacts
        ],
    }


def _team_contacts(team, written_contacts: list[dict], plan_contacts: list) -> list[str]:
    """How to reach a level's team: its notification address, then the procedure's and the
    communication plans' contacts that name the team (a written one by its slug or name)."""
    said = [team.notification_email] if team.notification_email else []
    for contact in written_contacts:
        if contact.get("team") in (team.slug, team.name):
            said.append(_contact_text(contact["name"], contact["channel"], contact.get("address")))
    for contact in plan_contacts:
        if contact.team_id == team.pk:
            said.append(_contact_text(contact.name, contact.get_channel_display(), contact.address))
    return list(dict.fromkeys(said))


def _contact_text(name: str, channel: str, address: str | None) -> str:
    return f"{name} ({channel}: {address})" if address else f"{name} ({channel})"


def _policy_triggers(policy: EscalationPolicy) -> list[str]:
    said = []
    if policy.always_human:
        said.append("always a person")
    if policy.min_confidence is not None:
        said.append(f"AI confidence below {policy.min_confidence}")
    if policy.sentiment_floor is not None:
        said.append(f"sentiment below {policy.sentiment_floor}")
    if policy.keywords:
        said.append("words: " + ", ".join(policy.keywords))
    if policy.customer_tiers:
        said.append("customer tiers: " + ", ".join(policy.customer_tiers))
    if policy.escalate_on_flags:
        said.append("flags: " + ", ".join(policy.escalate_on_flags))
    if policy.required_fields:
        said.append("missing fields: " + ", ".join(policy.required_fields))
    return said


def communication_owners() -> QuerySet:
    """Who may own a communication plan run: active logins to the admin whose role sends
    status updates (not the API's integration logins, not read-only ones)."""
    users = get_user_model().objects.with_perm(COMMUNICATION_OWNER_PERMISSION, is_active=True)
    return users.filter(is_staff=True).order_by("username")


REVIEWS = ("approve", "request_changes")


ERR_NOT_AN_APPROVER = gettext_lazy("Only an approver may approve a plan or send it back.")


ERR_OWN_PLAN = gettext_lazy("The plan's author cannot approve it: a second person must.")


MOVES = ("submit", "approve", "request_changes", "resubmit", "revise")


def plan_moves(plan: IncidentActionPlan, user=None) -> list[str]:
    """The steps the plan can take now; given a person, only those that person may take."""
    moves = [name for name in MOVES if can_proceed(getattr(plan, name))]
    if user is None:
        return moves
    return [m for m in moves if m not in REVIEWS or review_refusal(plan, user) is None]


def review_refusal(plan: IncidentActionPlan, user) -> str | None:
    """Why this person may not approve the plan or send it back, or None when they may."""
    if user is None or not user.has_perm("escalations.approve_incidentactionplan"):
        return ERR_NOT_AN_APPROVER
    if user.pk == plan.created_by_id:
        return ERR_OWN_PLAN
    return None
