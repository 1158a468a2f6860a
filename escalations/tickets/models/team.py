from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models.choices import (
    AssignmentFallback,
    AssignmentStrategy,
    MembershipRole,
    Tier,
)
from escalations.tickets.models.workspace import Workspace


class Team(models.Model):
    """A department that owns tickets at a tier, e.g. Billing (L2)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.L1)
    is_escalation_target = models.BooleanField(
        default=False, help_text="Offered as a destination when an agent escalates a ticket."
    )
    description = models.TextField(blank=True)
    notification_email = models.EmailField(blank=True)

    assignment_strategy = models.CharField(
        max_length=20,
        choices=AssignmentStrategy.choices,
        default=AssignmentStrategy.LEAST_OPEN,
        help_text="How a ticket routed to this team gets its agent.",
    )
    only_available = models.BooleanField(
        default=True, help_text="Skip agents who are marked away or off shift."
    )
    max_open_per_agent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Cap on active tickets per agent; empty: each agent's own capacity.",
    )
    fallback = models.CharField(
        max_length=20,
        choices=AssignmentFallback.choices,
        default=AssignmentFallback.QUEUE,
        help_text="What happens when nobody in the team can take the ticket.",
    )
    fallback_team = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The next tier's team; empty: the first escalation target of the next tier.",
    )
    round_robin_last = models.ForeignKey(
        "Agent", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["round_robin_last"])

    class Meta:
        ordering = ["workspace", "tier", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="team_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_tier_display()})"

    def clean(self) -> None:
        other = self.fallback_team
        if other is None:
            return
        if other.pk == self.pk:
            raise ValidationError({"fallback_team": "A team cannot hand on to itself."})
        if other.workspace_id != self.workspace_id:
            raise ValidationError({"fallback_team": f"{other} is a team of another workspace."})
        if other.tier <= self.tier:
            tier = self.get_tier_display()
            raise ValidationError({"fallback_team": f"{other} is not above {tier}."})


class Agent(models.Model):
    """A person who works tickets; linked to a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agent"
    )
    display_name = models.CharField(max_length=120)
    skills = models.JSONField(
        default=list, blank=True, help_text="Skill tags, e.g. refunds, api, spanish."
    )
    capacity = models.PositiveSmallIntegerField(
        default=10, help_text="How many open tickets this agent may hold at once."
    )
    is_available = models.BooleanField(default=True, help_text="Off while away or off shift.")
    teams = models.ManyToManyField(Team, through="TeamMembership", related_name="agents")

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        if not isinstance(self.skills, list) or not all(
            isinstance(skill, str) and skill.strip() for skill in self.skills
        ):
            raise ValidationError({"skills": "Skills must be a list of non-empty words."})
        self.skills = sorted({skill.strip().lower() for skill in self.skills})


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "agent"]
        constraints = [
            models.UniqueConstraint(fields=["team", "agent"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} in {self.team}"
