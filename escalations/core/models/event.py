from django.conf import settings
from django.db import models

from escalations.core import clock


class ActorKind(models.TextChoices):
    USER = "user", "User"
    RULE = "rule", "Rule"
    SYSTEM = "system", "System"
    API = "api", "API client"


class EventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", "Ticket created"
    FIELD_CHANGED = "ticket.field_changed", "Field changed"
    STATUS_CHANGED = "ticket.status_changed", "Status changed"
    CUSTOM_STATUS_CHANGED = "ticket.custom_status_changed", "Custom status changed"
    MOVE_BLOCKED = "ticket.move_blocked", "The workflow did not allow the system's move"
    ESCALATED = "ticket.escalated", "Escalated"
    AI_VERDICT = "ai.verdict", "AI verdict received"
    ASSIGNED = "ticket.assigned", "Assigned"
    QUEUED = "ticket.queued", "Nobody free: left in the team's queue"
    MESSAGE_ADDED = "message.added", "Message added"
    NOTE_ADDED = "message.note_added", "Internal note added"
    FIRST_RESPONSE = "ticket.first_response", "First response"
    ESCALATION_RESPONDED = "escalation.first_response", "Escalation answered by a human"
    ESCALATION_UPDATED = "escalation.updated", "Escalation summary or reasons corrected"
    RULE_FIRED = "rule.fired", "Rule fired"
    RULE_ACTION_REFUSED = "rule.action_refused", "Rule action refused"
    RULE_DEPTH_LIMIT = "rule.depth_limit", "Rules stopped at the depth limit"
    NOTIFIED = "notification.sent", "People notified"
    WEBHOOK_QUEUED = "webhook.queued", "Webhook queued"
    WEBHOOK_GAVE_UP = "webhook.gave_up", "Webhook given up after its last attempt"
    SLA_POLICY_APPLIED = "sla.policy_applied", "SLA policy applied"
    SLA_POLICY_PINNED = "sla.policy_pinned", "SLA policy put on the ticket"
    SLA_WARNING = "sla.warning", "SLA warning"
    SLA_BREACHED = "sla.breached", "SLA breached"
    SLA_MET = "sla.met", "SLA target met"
    LADDER_LEVEL = "sla.ladder_level", "Escalation ladder level reached"
    SNOOZED = "ticket.snoozed", "Snoozed"
    SNOOZE_ENDED = "ticket.snooze_ended", "Snooze ended"
    NO_AGENT_REPLY = "ticket.no_agent_reply", "No agent reply"
    TIMER_PARKED = "timer.parked", "Deadline parked after failing"
    TIMER_RETRIED = "timer.retried", "Parked deadline retried"
    COMMUNICATION_STARTED = "comms.started", "Communication plan started"
    STATUS_UPDATE_DUE = "comms.update_due", "Status update due"
    STATUS_UPDATE_SENT = "comms.update_sent", "Status update sent"
    COMMUNICATION_ENDED = "comms.ended", "Communication plan ended"
    PLAN_STATUS_CHANGED = "plan.status_changed", "Incident action plan moved"
    PLAN_HANDED_OVER = "plan.handed_over", "Operational period handed over"
    QUALITY_FLAGGED = "quality.flagged", "Quality check flagged errors"
    SIGN_OFF_ASKED = "process.sign_off_asked", "Sign-offs asked for"
    SIGN_OFF_GIVEN = "process.sign_off_given", "Step signed off"
    SIGN_OFF_REFUSED = "process.sign_off_refused", "Step refused"


class AppendOnlyError(Exception):
    pass


class TicketEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ticket events are append-only: they are never updated.")

    def delete(self):
        raise AppendOnlyError("Ticket events are append-only: they are never deleted.")


class TicketEvent(models.Model):
    """The audit trail: one row for every change made to a ticket, written with the change.

    Rows are only ever inserted. The model refuses updates and deletes, and the database itself
    refuses UPDATE (a trigger, see the migration).
    """

    ticket = models.ForeignKey(
        "escalations.Ticket", on_delete=models.PROTECT, related_name="events"
    )
    event_type = models.CharField(max_length=60, choices=EventType.choices, db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    from_value = models.CharField(max_length=250, blank=True)
    to_value = models.CharField(max_length=250, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    stay_seconds = models.FloatField(
        null=True,
        blank=True,
        help_text="On a status change: seconds the ticket spent in the status it left.",
    )
    created_at = models.DateTimeField(default=clock.now)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_time"),
            models.Index(fields=["event_type", "created_at"], name="event_type_time"),
            # The reports: the stays in each status that ended in a period (the waits per state)
            # and the reopenings since a day, without reading the other events.
            models.Index(
                fields=["created_at"],
                include=["ticket", "from_value", "stay_seconds"],
                condition=models.Q(event_type="ticket.status_changed"),
                name="event_status_stays",
            ),
            models.Index(
                fields=["created_at"],
                include=["ticket"],
                condition=models.Q(
                    event_type="ticket.status_changed", from_value="resolved", to_value="open"
                ),
                name="event_reopened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} on #{self.ticket_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Ticket events are append-only: they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ticket events are append-only: they are never deleted.")
