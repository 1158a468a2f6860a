"""Service levels: policies with targets per priority, escalation ladders, and each ticket's
running clocks with the deadlines the sweeper fires."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from escalations.core.clock import now as clock_now
from escalations.sla.models.calendars import BusinessCalendar
from escalations.tickets.models import (
    Agent,
    CustomStatus,
    Priority,
    Team,
    Ticket,
    TicketStatus,
    Tier,
    Workspace,
)


def default_pause_statuses() -> list[str]:
    return [TicketStatus.PENDING, TicketStatus.ON_HOLD]


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


# What a policy can match on; a policy names none of them or says it applies to every ticket.
MATCH_FIELDS = (
    "match_topics",
    "match_customer_tiers",
    "match_segments",
    "match_channels",
    "match_stores",
)


class SlaPolicy(models.Model):
    """Targets per priority for the tickets it matches; the first matching policy wins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sla_policies")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0, help_text="Policies are tried in order.")
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text="Applies when no other policy matches."
    )
    applies_to_all = models.BooleanField(
        _("applies to every ticket"),
        default=False,
        help_text=_(
            "Takes every ticket that no policy before it takes. Off, a policy without "
            "conditions takes no ticket by itself: a rule or a person applies it, or it is the "
            "default."
        ),
    )
    match_topics = models.JSONField("topics", default=list, blank=True)
    match_customer_tiers = models.JSONField("customer tiers", default=list, blank=True)
    match_segments = models.JSONField("customer segments", default=list, blank=True)
    match_channels = models.JSONField("channels", default=list, blank=True)
    match_stores = models.JSONField("stores", default=list, blank=True)
    business_hours = models.BooleanField(
        "count business hours only",
        default=True,
        help_text="Off: targets run around the clock (calendar time).",
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text="Empty: the workspace's default calendar.",
    )
    warning_percent = models.PositiveSmallIntegerField(
        default=80, help_text="Warn when this share of the target has passed; 0 for no warning."
    )
    pause_statuses = models.JSONField(
        default=default_pause_statuses, blank=True, help_text="Lifecycle states that pause."
    )
    pause_custom_statuses = models.ManyToManyField(
        CustomStatus, blank=True, related_name="+", help_text="Custom statuses that also pause."
    )
    ladder = models.ForeignKey(
        EscalationLadder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policies",
    )

    history = HistoricalRecords(m2m_fields=[pause_custom_statuses])

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["workspace", "-is_active", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_default=True),
                name="sla_one_default_policy_per_workspace",
            )
        ]
        permissions = [
            ("import_slapolicy", "Can import SLA policies from a spreadsheet"),
            ("export_slapolicy", "Can export SLA policies to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_conditions(self) -> bool:
        return any(getattr(self, name) for name in MATCH_FIELDS)

    def clean(self) -> None:
        errors = {}
        if self.applies_to_all and self.has_conditions:
            errors["applies_to_all"] = gettext(
                "A policy for every ticket has no conditions: clear them, or untick "
                "'applies to every ticket'."
            )
        if self.warning_percent is not None and self.warning_percent >= 100:
            errors["warning_percent"] = "Warn before the breach: a share below 100 %, or 0."
        statuses = self.pause_statuses or []
        if not isinstance(statuses, list) or any(s not in TicketStatus.values for s in statuses):
            errors["pause_statuses"] = f"Choose among {', '.join(TicketStatus.values)}."
        if self.calendar_id and self.calendar.workspace_id != self.workspace_id:
            errors["calendar"] = "The calendar belongs to another workspace."
        if self.ladder_id and self.ladder.workspace_id != self.workspace_id:
            errors["ladder"] = "The ladder belongs to another workspace."
        for name in ("match_topics", "match_customer_tiers", "match_segments", "match_channels"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = "A list of words."
        if errors:
            raise ValidationError(errors)


class SlaTarget(models.Model):
    """The minutes each clock allows for tickets of one priority."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "SLA target"
        ordering = ["policy", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} · {self.get_priority_display()}"

    def clean(self) -> None:
        targets = (self.first_response_minutes, self.next_response_minutes, self.resolution_minutes)
        if all(t is None for t in targets):
            raise ValidationError("Give at least one target for this priority.")
        if any(t == 0 for t in targets):
            raise ValidationError("A target is at least one minute; leave it empty for none.")


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
