"""Incident action plans: the lead's document for an incident — situation summary, execution
plan, priorities, responsibilities and next actions — approved before it runs (Awaiting approval
→ Approved, or Changes requested → Re-approval), and carried out in operational periods (shifts)
with a recorded hand-over between responders."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.tickets.models import Agent, Ticket, Workspace


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REAPPROVAL = "reapproval", "Re-approval"
    APPROVED = "approved", "Approved"


S = PlanStatus
EDITABLE = (S.DRAFT, S.CHANGES_REQUESTED)
IN_REVIEW = (S.AWAITING_APPROVAL, S.REAPPROVAL)


class IncidentActionPlan(ConcurrentTransitionMixin, models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="action_plans")
    title = models.CharField(max_length=160)
    situation_summary = models.TextField(blank=True)
    execution_plan = models.TextField(blank=True)
    priorities = models.JSONField(default=list, blank=True, help_text="In order.")
    next_actions = models.JSONField(default=list, blank=True)
    period_hours = models.PositiveSmallIntegerField(
        "operational period (hours)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    status = FSMField(default=S.DRAFT, choices=S.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock_now)
    review_note = models.TextField(blank=True, help_text="The approver's last note.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("approve_incidentactionplan", "Can approve incident action plans")]

    def __str__(self) -> str:
        return self.title

    @transition(field=status, source=S.DRAFT, target=S.AWAITING_APPROVAL)
    def submit(self) -> None:
        """The lead asks for approval."""

    @transition(field=status, source=list(IN_REVIEW), target=S.APPROVED)
    def approve(self) -> None:
        """The approver agrees: the plan runs."""

    @transition(field=status, source=list(IN_REVIEW), target=S.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        """The approver sends it back with a note."""

    @transition(field=status, source=S.CHANGES_REQUESTED, target=S.REAPPROVAL)
    def resubmit(self) -> None:
        """The lead changed it: approval again."""

    @transition(field=status, source=S.APPROVED, target=S.DRAFT)
    def revise(self) -> None:
        """The situation changed: a new version of the plan, approved again before it runs."""


class PlanResponsibility(models.Model):
    plan = models.ForeignKey(
        IncidentActionPlan, on_delete=models.CASCADE, related_name="responsibilities"
    )
    role = models.CharField(max_length=120)
    person = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True)
    duty = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = _("plan responsibilities")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.duty}"


class OperationalPeriod(models.Model):
    """A shift under the plan, with its responder; it ends with a hand-over to the next one."""

    plan = models.ForeignKey(IncidentActionPlan, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField()
    responder = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handover_note = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="period_number_unique")
        ]

    def __str__(self) -> str:
        return f"Period {self.number} ({self.responder})"


class ActionPlanBlueprint(models.Model):
    """How a workspace writes its incident action plans: the sections, the standing
    priorities, the roles and their duties, the first actions and the length of an operational
    period. A new plan for one of the workspace's tickets starts from it."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="plan_blueprints"
    )
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    sections = models.JSONField(
        default=list, blank=True, help_text="Headings the execution plan starts with."
    )
    period_hours = models.PositiveSmallIntegerField(
        "operational period (hours)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    priorities = models.JSONField(default=list, blank=True, help_text="In order.")
    responsibilities = models.JSONField(
        default=list, blank=True, help_text='[{"role": …, "duty": …}], one per role.'
    )
    next_actions = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "title"]
        verbose_name = "action plan blueprint"
        constraints = [
            models.UniqueConstraint(fields=["workspace"], name="one_plan_blueprint_per_workspace")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        rows = self.responsibilities
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and r.get("role") and r.get("duty") for r in rows
        ):
            raise ValidationError(
                {"responsibilities": 'A list of {"role": …, "duty": …}, each with both.'}
            )
