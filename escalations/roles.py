"""The built-in roles, as permission sets kept in step with the code after every migrate."""

MANAGER = "Support managers"
AGENT = "Agents"
READ_ONLY = "Read-only"

_CONFIG = ("workspace", "customstatus", "customfielddefinition", "team", "teammembership")
_ALL = (*_CONFIG, "agent", "customer", "ticket", "message", "escalation", "ticketevent")


def _perms(actions: str, models: tuple[str, ...]) -> set[str]:
    return {f"{action}_{model}" for action in actions.split() for model in models}


ROLE_PERMISSIONS: dict[str, set[str]] = {
    MANAGER: (
        _perms("add change delete view", (*_CONFIG, "agent", "customer"))
        | _perms("add change view", ("ticket", "escalation"))
        | _perms("add view", ("message",))
        | {"view_ticketevent", "transition_ticket"}
    ),
    AGENT: (
        _perms("view", _ALL)
        | _perms("add change", ("ticket",))
        | _perms("add", ("message", "escalation"))
        | {"transition_ticket"}
    ),
    READ_ONLY: _perms("view", _ALL),
}
