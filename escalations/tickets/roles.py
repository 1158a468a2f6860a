"""The built-in roles, as permission sets kept in step with the code after every migrate.

Permissions are "app_label.codename", as `user.has_perm` takes them.
"""

MANAGER = "Support managers"
AGENT = "Agents"
READ_ONLY = "Read-only"
INTEGRATION = "Integrations"  # bots and systems using the API with a token; no admin access

_CONFIG = (
    "workspace",
    "customstatus",
    "customfielddefinition",
    "team",
    "teammembership",
    "businesscalendar",
    "slapolicy",
    "slatarget",
    "escalationladder",
    "ladderlevel",
    "escalationpolicy",
    "racimatrix",
    "racirole",
    "raciactivity",
    "raciassignment",
    "communicationplan",
    "plancontact",
    "planstep",
    "escalationmatrix",
    "escalationmatrixcell",
    "escalationprocedure",
    "prioritymatrix",
    "qualitychecklist",
    "workprocess",
    "processstep",
    "actionplanblueprint",
)
_RULES = ("ruleset", "rule", "integration", "webhooksubscription")
# Configuration that goes out to spreadsheets and comes back (escalations.spreadsheets).
_SHEETS = (
    "escalationmatrix",
    "racimatrix",
    "slapolicy",
    "escalationladder",
    "communicationplan",
    "rule",
)
_ALL = (
    *_CONFIG,
    *_RULES,
    "agent",
    "customer",
    "ticket",
    "message",
    "escalation",
    "ticketevent",
    "rulefiring",
    "notification",
    "webhookdelivery",
    "slaclock",
    "timer",
    "aiverdict",
    "incidentcommunication",
    "statusupdate",
    "incidentactionplan",
    "planresponsibility",
    "operationalperiod",
    "qualityflag",
    "stepsignoff",
)


def _perms(actions: str, models: tuple[str, ...], app: str = "escalations") -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions.split() for model in models}


ROLE_PERMISSIONS: dict[str, set[str]] = {
    MANAGER: (
        _perms("add change delete view", (*_CONFIG, *_RULES, "agent", "customer"))
        | _perms("add view", ("ruledrill",))
        | _perms("view", ("rulefiring", "notification", "slaclock"))
        | _perms("view change", ("webhookdelivery",))  # change: deliver again
        | _perms("add view", ("aiverdict",))
        | _perms("add change delete view", ("signedcaller",))
        | _perms("view change", ("timer",))  # change: retry a parked deadline
        | _perms("add change view", ("ticket", "escalation"))
        | _perms("add view", ("message",))
        | _perms("add view", ("incidentcommunication", "statusupdate"))
        | _perms("add change view", ("incidentactionplan", "planresponsibility"))
        | _perms("add change view", ("operationalperiod",))
        | {"escalations.approve_incidentactionplan"}
        | _perms("view change", ("stepsignoff",))
        | {"escalations.view_ticketevent", "escalations.transition_ticket"}
        # Logins for their agents; never superusers, never raw permissions (see the user admin).
        | _perms("add change view", ("user",), app="auth")
        | {"auth.view_group"}
        | {"templates_catalog.view_workflowtemplate"}
        | _perms("import export", _SHEETS)
    ),
    AGENT: (
        _perms("view", _ALL)
        | _perms("add change", ("ticket", "customer"))
        | _perms("add", ("message", "escalation"))
        | _perms("add", ("incidentcommunication", "statusupdate"))
        | _perms("add change", ("incidentactionplan", "planresponsibility", "operationalperiod"))
        | _perms("change", ("stepsignoff",))
        | {"escalations.transition_ticket"}
        | {"templates_catalog.view_workflowtemplate"}  # read, not use (that adds a workspace)
    ),
    READ_ONLY: (
        _perms("view", _ALL)
        | {"templates_catalog.view_workflowtemplate"}
        | _perms("export", _SHEETS)
    ),
    INTEGRATION: (
        _perms("view", ("ticket", "message", "escalation", "aiverdict", "team", "customer"))
        | _perms("view", ("rule", "ruleset", "slapolicy", "slatarget", "escalationpolicy"))
        | _perms("view", ("workspace", "customstatus"))
        | _perms("add change", ("ticket", "customer"))
        | _perms("add", ("message", "escalation", "aiverdict"))
        | {"escalations.transition_ticket"}
    ),
}
