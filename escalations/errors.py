"""Errors that services raise; each carries a stable code that the admin and API map."""


class HandoffError(Exception):
    code = "handoff_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(HandoffError):
    """The requested lifecycle move is not allowed from the ticket's current state."""

    code = "illegal_transition"

    def __init__(self, message: str, *, current: str, allowed: list[str]):
        super().__init__(message)
        self.current = current
        self.allowed = allowed


class StaleTicket(IllegalTransition):
    """The ticket moved on since the caller looked at it (a stale page or a lost race)."""

    code = "stale_ticket"


class EscalationRefused(HandoffError):
    code = "escalation_refused"
