"""Timers: the deadlines the sweeper claims and fires, and the lease of the sweeper loop."""

from django.db import models

from escalations.core.clock import now as clock_now
from escalations.sla.models.clocks import SlaClock
from escalations.tickets.models import Ticket


class TimerKind(models.TextChoices):
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    LADDER = "ladder", "Escalation ladder level"
    SNOOZE = "snooze", "Snooze ends"
    NO_AGENT_REPLY = "no_agent_reply", "No agent reply"
    STATUS_UPDATE = "status_update", "Status update due"


class TimerState(models.TextChoices):
    PENDING = "pending", "Pending"
    FIRED = "fired", "Fired"
    PARKED = "parked", "Parked (kept failing)"


class Timer(models.Model):
    """A deadline. Pending rows are what the sweeper claims; a row fires at most once.

    The key (ticket, key, level, due_at) is unique: a recomputed deadline that lands on a
    moment that already fired is not scheduled again, and two sweepers cannot both fire it.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="timers")
    kind = models.CharField(max_length=20, choices=TimerKind.choices)
    key = models.CharField(max_length=60, help_text="Which clock or rule the deadline is for.")
    clock = models.ForeignKey(
        SlaClock, on_delete=models.CASCADE, null=True, blank=True, related_name="timers"
    )
    level = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    next_try_at = models.DateTimeField(help_text="due_at, or later after a failed attempt.")
    state = models.CharField(max_length=10, choices=TimerState.choices, default=TimerState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock_now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "key", "level", "due_at"], name="timer_fires_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_try_at"],
                condition=models.Q(state="pending"),
                name="timer_pending_due",
            ),
            models.Index(fields=["ticket", "state"], name="timer_ticket_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of #{self.ticket_id} at {self.due_at:%Y-%m-%d %H:%M:%S}"


class SweeperLease(models.Model):
    """Which sweeper loop runs for a cluster, and its heartbeat (the watchdog reads it)."""

    name = models.CharField(max_length=100, unique=True)
    holder = models.CharField(max_length=100, blank=True)
    beat_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    fired_total = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
