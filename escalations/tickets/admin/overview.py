"""The admin's front page: the live queue at a glance, each figure a link to its list."""

from escalations.tickets.selectors import screens as selectors


def dashboard_callback(request, context):
    if request.user.has_perm("escalations.view_ticket"):
        context["overview"] = selectors.work_overview(request.user)
    return context
