import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from escalations.core import clock
from escalations.core.models import TicketEvent
from escalations.tickets.models import Ticket, Workspace


class RuleSet(models.Model):
    """A workspace's rules: one live set, and drafts (copies to edit and drill against)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rule_sets")
    name = models.CharField(max_length=120)
    is_live = models.BooleanField(
        default=False, help_text="The live set runs on every event; drafts only in drills."
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change to the set or its rules."
    )
    # Changes with every version; the compiled set is cached under it (ids can be reused).
    revision = models.UUIDField(default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["workspace", "-is_live", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=models.Q(is_live=True),
                name="rule_set_one_live_per_workspace",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({'live' if self.is_live else 'draft'}, v{self.version})"


class Rule(models.Model):
    """When one of its triggers happens and its condition holds, its actions run in order."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    triggers = models.JSONField(default=list, help_text="The events this rule listens to.")
    wait_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="For the trigger 'No agent reply for…': how many minutes without a reply.",
    )
    condition = models.JSONField(
        default=dict,
        blank=True,
        help_text='A tree of {"all": [...]}, {"any": [...]}, {"not": {...}} and rows of '
        '{"field", "op", "value"}. Empty: always.',
    )
    condition_cel = models.TextField(
        "condition in CEL",
        blank=True,
        help_text="Advanced: a CEL expression over ticket, customer, event, business_hours… "
        "When given, it is used instead of the condition rows.",
    )
    actions = models.JSONField(default=list, blank=True)
    script = models.TextField(
        blank=True,
        help_text="Optional Starlark run when the condition holds. It reads ticket, customer, "
        "event and history, may call lookup(integration, path, params), and its last line "
        "gives a list of actions applied after the rule's own.",
    )
    position = models.PositiveIntegerField(default=0, help_text="Rules run in this order.")
    is_active = models.BooleanField(default=True)
    stop_processing = models.BooleanField(
        "stop processing further rules",
        default=False,
        help_text="When this rule fires, later rules do not run for the same event.",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["rule_set", "position", "id"]
        permissions = [
            ("import_rule", "Can import rules from a spreadsheet"),
            ("export_rule", "Can export rules to a spreadsheet"),
        ]

    def __str__(self) -> str:
        return self.name


class RuleFiring(models.Model):
    """A rule fired for an event. Unique: a rule never fires twice for the same event."""

    rule = models.ForeignKey(Rule, on_delete=models.SET_NULL, null=True, related_name="firings")
    rule_name = models.CharField(max_length=160)
    rule_version = models.PositiveIntegerField()
    event = models.ForeignKey(TicketEvent, on_delete=models.PROTECT, related_name="rule_firings")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="rule_firings")
    depth = models.PositiveSmallIntegerField(default=0)
    actions_applied = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="rule_fires_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.rule_name} on #{self.ticket_id}"


class RuleDrill(models.Model):
    """An escalation drill: a rule set replayed against the recorded events of past tickets."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="drills")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    tickets_total = models.PositiveIntegerField(default=0)
    tickets_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        start, end = f"{self.period_start:%Y-%m-%d}", f"{self.period_end:%Y-%m-%d}"
        return f"Drill of {self.rule_set.name} ({start} to {end})"

    @property
    def progress_percent(self) -> int:
        return (
            100 if not self.tickets_total else round(100 * self.tickets_done / self.tickets_total)
        )
