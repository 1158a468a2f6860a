"""The rules' dry run on one ticket: which rules would fire, each condition's value, and the
actions (a page linked from the ticket page)."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from escalations.rules.engine import TRIGGERS
from escalations.rules.models import RuleSet
from escalations.rules.selectors import rules_dry_run
from escalations.tickets.admin.ticket_views import ticket_change_url
from escalations.tickets.models import Ticket


def dry_run_view(model_admin, request, *, ticket: Ticket):
    """Which rules would fire for this ticket, each condition's value, and the actions."""

    if not request.user.has_perm("escalations.view_rule"):
        raise PermissionDenied
    rule_sets = RuleSet.objects.filter(workspace=ticket.workspace_id).order_by("-is_live", "name")
    trigger = request.GET.get("trigger") or "ticket_created"
    if trigger not in TRIGGERS:
        trigger = "ticket_created"
    chosen = rule_sets.filter(pk=request.GET.get("rule_set") or 0).first() or rule_sets.first()
    report = rules_dry_run(ticket=ticket, trigger=trigger, rule_set=chosen) if chosen else []
    for entry in report:
        entry["rows"] = list(_flatten(entry["condition"]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Dry run of the rules on {ticket}",
        "opts": model_admin.model._meta,
        "original": ticket,
        "triggers": TRIGGERS,
        "trigger": trigger,
        "rule_sets": rule_sets,
        "rule_set": chosen,
        "report": report,
        "firing": [entry for entry in report if entry["would_fire"]],
        "cancel_url": ticket_change_url(ticket),
    }
    return TemplateResponse(request, "escalations/admin/ticket_dry_run.html", context)


def _flatten(node: dict, depth: int = 0):
    """The explained condition tree as indented rows, for a plain table."""
    yield {**{k: v for k, v in node.items() if k != "children"}, "depth": depth}
    for child in node.get("children", []):
        yield from _flatten(child, depth + 1)
