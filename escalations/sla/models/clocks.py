"""SLA clocks: each ticket's running clocks, how much of their target has run and when they
will be due."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalations.sla.models.ladders import EscalationLadder
from escalations.sla.models.policies import SlaPolicy
from escalations.tickets.models import Ticket


class ClockKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"
    LADDER = "ladder", "Escalation ladder"


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    WARNING = "warning", "Warning"
    BREACHED = "breached", "Breached"
    MET = "met", "Met"
    STOPPED = "stopped", "Stopped"  # no longer applies: no target, ladder done, ticket solved


class SlaClock(models.Model):
    """One of a ticket's clocks: how much of its target has run, and when it will be due.

    Time is counted in business seconds (or calendar seconds) while the clock runs; pauses
    are kept as segments for the timeline. For a ladder, `level` is the next step and
    `target_seconds` the running time at which it is due.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    cycle = models.PositiveIntegerField(default=1, help_text="Next response: the n-th wait.")
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, related_name="+")
    state = models.CharField(max_length=10, choices=ClockState.choices)
    target_seconds = models.PositiveIntegerField()
    business_hours = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    running_since = models.DateTimeField(null=True, blank=True)
    elapsed_seconds = models.FloatField(default=0, help_text="Counted up to running_since.")
    pauses = models.JSONField(default=list, blank=True, help_text="[[from, to or null, why]]")
    warning_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # The marks: the deadline each crossing was due at, and when it really fired (the moment of
    # its audit event; later than the due time by the sweeper's lag, or more after an outage).
    warned_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The warning's due time, once it fired.")
    )
    breached_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The breach's due time, once it fired.")
    )
    warning_fired_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the warning really fired.")
    )
    breach_fired_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the breach really fired.")
    )
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=80, blank=True)
    ladder = models.ForeignKey(
        EscalationLadder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ticket", "kind", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "cycle"], name="sla_clock_cycle")
        ]
        # The reports: breach rates of the clocks started in a period, and the breaches since a
        # day, read from the index alone (PostgreSQL).
        indexes = [
            models.Index(
                fields=["started_at"],
                include=["policy", "breached_at", "ticket"],
                name="sla_clock_started",
            ),
            models.Index(
                fields=["breached_at"],
                include=["ticket"],
                condition=models.Q(breached_at__isnull=False),
                name="sla_clock_breached",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} clock of #{self.ticket_id}"

    @property
    def is_live(self) -> bool:
        return self.stopped_at is None
