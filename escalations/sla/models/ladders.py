"""Escalation ladders: the levels a ticket climbs while its SLA is at risk, and when each
level hands it over."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from escalations.tickets.models import Agent, Team, Tier, Workspace


class EscalationLadder(models.Model):
    """Levels a ticket climbs while its SLA is at risk: L1 → L2 → L3, a person or a team."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="ladders")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    repeat = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many more times the whole ladder runs after its last level while the "
        "condition still holds.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="ladder_name_unique")
        ]
        permissions = [
            ("import_escalationladder", "Can import escalation ladders from a spreadsheet"),
            ("export_escalationladder", "Can export escalation ladders to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.name


class ClimbWhen(models.TextChoices):
    NOT_ACKNOWLEDGED = "not_acknowledged", "Not acknowledged"
    NO_FIRST_RESPONSE = "no_first_response", "No first response"
    NOT_RESOLVED = "not_resolved", "Not resolved"


class LadderLevel(models.Model):
    """One rung: after its timeout, if the condition still holds, hand the ticket over."""

    ladder = models.ForeignKey(EscalationLadder, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=80, help_text="e.g. L2 on-call")
    after_minutes = models.PositiveIntegerField(
        help_text="Time after the previous level (or the ticket's arrival), counted like the "
        "policy's resolution clock."
    )
    climb_when = models.CharField(
        max_length=20, choices=ClimbWhen.choices, default=ClimbWhen.NO_FIRST_RESPONSE
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    raise_priority = models.BooleanField(default=False)
    notify = models.JSONField(
        default=list, blank=True, help_text="Logins, team:<slug> or assignee to notify."
    )

    class Meta:
        ordering = ["ladder", "position", "id"]

    def __str__(self) -> str:
        return f"{self.ladder.name} · {self.name}"

    def clean(self) -> None:
        errors = {}
        workspace_id = self.ladder.workspace_id if self.ladder_id else None
        if not self.after_minutes:
            errors["after_minutes"] = "Give the level a timeout of at least one minute."
        if self.to_team_id and self.to_team.workspace_id != workspace_id:
            errors["to_team"] = "The team belongs to another workspace."
        if (
            self.to_team_id
            and self.to_agent_id
            and not self.to_team.memberships.filter(agent=self.to_agent_id).exists()
        ):
            errors["to_agent"] = f"{self.to_agent} is not a member of {self.to_team}."
        if not isinstance(self.notify, list) or not all(
            isinstance(item, str) and item.strip() for item in self.notify
        ):
            errors["notify"] = 'A list of logins, team:<slug> or assignee, e.g. ["team:billing"].'
        else:
            for item in self.notify:
                slug = item.removeprefix("team:")
                if (
                    item.startswith("team:")
                    and not Team.objects.filter(workspace=workspace_id, slug=slug).exists()
                ):
                    errors["notify"] = f"The workspace has no team {slug!r}."
        if errors:
            raise ValidationError(errors)
