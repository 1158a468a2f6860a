from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from escalations.core import clock
from escalations.tickets.models.choices import ACTIVE_STATUSES, AuthorKind, Channel, Priority, Tier
from escalations.tickets.models.choices import TicketStatus as S
from escalations.tickets.models.customer import Customer
from escalations.tickets.models.team import Agent, Team
from escalations.tickets.models.workspace import CustomStatus, Workspace

_WORKING = [S.NEW, S.OPEN, S.PENDING, S.ON_HOLD, S.ESCALATED]


class TicketQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class Ticket(ConcurrentTransitionMixin, models.Model):
    """A customer's request, from arrival to closure.

    The lifecycle is the `@transition` methods below: they only move the state. Services call
    them, stamp the timestamps and write the audit event in the same transaction.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    store = models.CharField(max_length=80, blank=True, help_text="Store or brand.")
    topic = models.CharField(max_length=80, blank=True, help_text="Request type.")
    subject = models.CharField(max_length=250)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    assignee = models.ForeignKey(
        Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_tickets"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.L1)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    tags = models.JSONField(default=list, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    status = FSMField(default=S.NEW, choices=S.choices, protected=True, db_index=True)
    custom_status = models.ForeignKey(
        CustomStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    sla_policy = models.ForeignKey(
        "escalations.SlaPolicy",
        verbose_name="SLA policy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    sla_policy_pinned = models.BooleanField(
        "SLA policy set by hand",
        default=False,
        help_text="Set by a person or a rule: matching no longer changes it.",
    )
    sla_due_at = models.DateTimeField(
        "next SLA deadline",
        null=True,
        blank=True,
        db_index=True,
        help_text="The earliest breach time among the ticket's running clocks.",
    )
    ai_confidence = models.FloatField(
        "AI confidence",
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The AI's latest confidence, 0 to 1.",
    )
    ai_intent = models.CharField(
        "AI intent",
        max_length=80,
        blank=True,
        help_text="The AI's intent / task category, e.g. billing.refund",
    )
    ai_sentiment = models.FloatField(
        "AI sentiment",
        null=True,
        blank=True,
        validators=[MinValueValidator(-1.0), MaxValueValidator(1.0)],
        help_text="Customer sentiment from -1 (angry) to 1 (delighted).",
    )
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    updated_at = models.DateTimeField(default=clock.now)
    status_changed_at = models.DateTimeField(default=clock.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # When the customer, and an agent in public, last wrote (kept by `message_add`): what rules
    # read as "minutes since ...".
    last_customer_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_agent_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(
        "first escalated at", null=True, blank=True, help_text="Its first hand-over to people."
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workspace", "status"], name="ticket_workspace_status"),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            # The lists, newest first: a page is read from the index, however many tickets.
            models.Index(fields=["-created_at", "-id"], name="ticket_newest"),
            # The reports: tickets resolved in a period, read from the index alone (PostgreSQL;
            # the included columns are left out where covering indexes are not supported).
            models.Index(
                fields=["resolved_at"],
                include=["created_at", "escalated_at", "workspace", "team"],
                name="ticket_resolved_at",
            ),
        ]
        permissions = [("transition_ticket", "Can move a ticket through its lifecycle")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    # The lifecycle. Keep the README diagram in step: `manage.py handoff_lifecycle --readme`.

    @transition(field=status, source=S.NEW, target=S.OPEN, custom={"label": "Start work"})
    def start_work(self) -> None:
        """An agent picks the ticket up."""

    @transition(
        field=status,
        source=[S.NEW, S.OPEN, S.ON_HOLD, S.ESCALATED],
        target=S.PENDING,
        custom={"label": "Wait on customer"},
    )
    def wait_on_customer(self) -> None:
        """The next move is the customer's."""

    @transition(
        field=status,
        source=[S.OPEN, S.PENDING, S.ESCALATED],
        target=S.ON_HOLD,
        custom={"label": "Put on hold"},
    )
    def put_on_hold(self) -> None:
        """Waiting on another team or a third party."""

    @transition(
        field=status, source=[S.PENDING, S.ON_HOLD], target=S.OPEN, custom={"label": "Resume"}
    )
    def resume(self) -> None:
        """The customer or the other team answered; work goes on."""

    @transition(
        field=status,
        source=_WORKING,
        target=S.ESCALATED,
        custom={"label": "Escalate", "needs_form": True},
    )
    def escalate(self) -> None:
        """Handed to another team or tier; only through an Escalation (it carries the context)."""

    @transition(
        field=status, source=S.ESCALATED, target=S.OPEN, custom={"label": "Return to queue"}
    )
    def return_to_queue(self) -> None:
        """The receiving team hands the ticket back to regular work."""

    @transition(field=status, source=_WORKING, target=S.RESOLVED, custom={"label": "Resolve"})
    def resolve(self) -> None:
        """Solved."""

    @transition(field=status, source=S.RESOLVED, target=S.OPEN, custom={"label": "Reopen"})
    def reopen(self) -> None:
        """The solution did not hold."""

    @transition(field=status, source=S.RESOLVED, target=S.CLOSED, custom={"label": "Close"})
    def close(self) -> None:
        """Final. A later reply from the customer starts a follow-up ticket."""


class Message(models.Model):
    """One entry of a ticket's conversation; internal notes are messages only agents see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(max_length=120, blank=True)
    body = models.TextField()
    is_internal = models.BooleanField(
        "internal note", default=False, help_text="Never shown to the customer."
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_time")]

    def __str__(self) -> str:
        kind = "note" if self.is_internal else self.get_author_kind_display()
        return f"{kind} on {self.ticket_id} at {self.created_at:%Y-%m-%d %H:%M}"
