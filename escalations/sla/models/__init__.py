"""Sla models, re-exported: import them from here."""

from escalations.sla.models.calendars import BusinessCalendar
from escalations.sla.models.clocks import ClockKind, ClockState, SlaClock
from escalations.sla.models.ladders import ClimbWhen, EscalationLadder, LadderLevel
from escalations.sla.models.policies import SlaPolicy, SlaTarget
from escalations.sla.models.timers import SweeperLease, Timer, TimerKind, TimerState

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
