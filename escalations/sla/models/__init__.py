"""Sla models, re-exported: import them from here."""

from escalations.sla.models.calendars import BusinessCalendar
from escalations.sla.models.sla import (
    ClimbWhen,
    ClockKind,
    ClockState,
    EscalationLadder,
    LadderLevel,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    SweeperLease,
    Timer,
    TimerKind,
    TimerState,
)

__all__ = [
    "BusinessCalendar",
    "ClimbWhen",
    "ClockKind",
    "ClockState",
    "EscalationLadder",
    "LadderLevel",
    "SlaClock",
    "SlaPolicy",
    "SlaTarget",
    "SweeperLease",
    "Timer",
    "TimerKind",
    "TimerState",
]
