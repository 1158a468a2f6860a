"""Errors that services raise; each carries a stable code that the admin and API map."""


class HandoffError(Exception):
    code = "handoff_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class IllegalTransition(HandoffError):
    """The requested lifecycle move is not allowed from the ticket's current state."""

    code = "illegal_transition"

    def __init__(self, message: str, *, current, allowed: list):
        # `current` and `allowed` are workflow statuses for status moves, plain values (a
        # sign-off's state, step names) elsewhere.
        super().__init__(message)
        self.current = current
        self.allowed = allowed


class StatusMoveForbidden(IllegalTransition):
    """The workspace's workflow does not allow the move from the ticket's status."""

    code = "status_move_forbidden"


class SignOffMissing(IllegalTransition):
    """The target status waits for sign-offs the ticket does not have yet."""

    code = "sign_off_missing"


class StaleTicket(IllegalTransition):
    """The ticket moved on since the caller looked at it (a stale page or a lost race)."""

    code = "stale_ticket"
