"""The demo's second workspace, made from a catalog template: content moderation from the
quality-control checklist, with items in several of its statuses, so a new user sees a
workspace's own workflow (its statuses, its moves, the sign-off that gates Approved) at work."""

from datetime import datetime

from escalations.core.actors import Actor
from escalations.governance.models import StepSignOff
from escalations.governance.services.processes import sign_off_decide
from escalations.tickets.models import Team, Workspace
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.tickets import ticket_open
from escalations.tickets.services.transitions import ticket_move
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.services import catalog_load

SLUG = "moderation"
SUPPORT = "support"
# Who moderates: the support workspace's teams lend their people to the template's teams.
MEMBERS_FROM = {"reviewers": "general", "senior-review": "billing", "trust-safety": "technical"}
ITEMS = [
    # (subject, severity, error types, the statuses it walks through)
    ("Comment calls a user's address out", "Major", ["Personal data exposed"], []),
    ("Advert with an unlabelled giveaway", "Minor", ["Missing content label"], []),
    (
        "Post repeats a misleading health claim",
        "Major",
        ["Harmful misinformation"],
        ["in-review"],
    ),
    (
        "Profile picture flagged as graphic",
        "Minor",
        ["AI misclassification"],
        ["in-review", "waiting-on-author"],
    ),
    (
        "Video with a threatening caption",
        "Major",
        ["Harassment"],
        ["in-review", "awaiting-approval"],
    ),
    (
        "Spam links in a product review",
        "Minor",
        ["Spam or scam"],
        ["in-review", "awaiting-approval", "sign-off", "approved"],
    ),
]


def demo_moderation_seed(*, now: datetime) -> Workspace | None:
    """Make the moderation workspace and its items, unless it exists (or support does not)."""
    support = Workspace.objects.filter(slug=SUPPORT).first()
    if support is None or Workspace.objects.filter(slug=SLUG).exists():
        return None
    catalog_load()
    lent = {
        key: Team.objects.get(workspace=support, slug=slug) for key, slug in MEMBERS_FROM.items()
    }
    workspace = template_instantiate(
        template=WorkflowTemplate.objects.get(slug="quality-control-checklist"),
        name="Content moderation",
        slug=SLUG,
        members_from=lent,
    )
    actor = Actor.system("demo")
    senior = lent["senior-review"].memberships.select_related("agent__user").first()
    for number, (subject, severity, errors, walk) in enumerate(ITEMS, start=1):
        item = ticket_open(
            workspace=workspace,
            customer_data={"email": f"author{number}@example.com", "name": f"Author {number}"},
            actor=actor,
            subject=subject,
            channel="api",
            body=f"Flagged by the AI's first check: {', '.join(errors).lower()}.",
            custom_fields={"severity": severity, "error_type": errors},
        )
        for step in walk:
            if step == "sign-off":
                for sign_off in StepSignOff.objects.filter(ticket=item):
                    sign_off_decide(
                        sign_off=sign_off,
                        approve=True,
                        actor=Actor.for_user(senior.agent.user),
                        note="Checked against the policy.",
                    )
                continue
            item = ticket_move(ticket=item, to_status=step, actor=actor)
    threat = ticket_open(
        workspace=workspace,
        customer_data={"email": "author9@example.com", "name": "Author 9"},
        actor=actor,
        subject="Live stream with a credible threat",
        channel="api",
        body="Flagged by the AI's first check: credible threat.",
        custom_fields={"severity": "Critical", "error_type": ["Credible threat"]},
    )
    trust_safety = workspace.teams.get(slug="trust-safety")
    escalation_create(
        ticket=threat,
        kind="proactive",
        trigger="demo",
        to_team=trust_safety,
        to_agent=trust_safety.memberships.first().agent,
        summary="A credible threat of violence: trust and safety decides.",
        actor=actor,
    )
    return workspace
