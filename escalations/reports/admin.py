"""The escalation dashboard in the admin: charts of the figures for a period, workspace and
team; the confidence thresholds per task category with a proposed value to apply; a
before/after comparison around a change; and the figures as CSV or XLSX."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalations.ai.models import EscalationPolicy
from escalations.ai.services.policies import policy_threshold_apply
from escalations.core.actors import Actor
from escalations.reports.export import figures_dataset
from escalations.reports.filters import ReportFilter
from escalations.reports.report import escalation_report
from escalations.spreadsheets.formats import SheetXLSX
from escalations.tickets.admin.workspace_scope import form_name_workspaces
from escalations.tickets.models import EscalationKind

COLOURS = {
    EscalationKind.REACTIVE: "#8b5cf6",
    EscalationKind.PROACTIVE: "#0ea5e9",
    EscalationKind.AGENT_INITIATED: "#f59e0b",
    EscalationKind.TIME_BASED: "#ef4444",
    EscalationKind.RULE: "#10b981",
}
BAR = "#6366f1"


def _chart(labels, datasets) -> str:
    return json.dumps({"labels": labels, "datasets": datasets})


def _bars(rows: list[dict], label: str) -> str:
    return _chart(
        [row["label"] for row in rows],
        [{"label": label, "data": [row["count"] for row in rows], "backgroundColor": BAR}],
    )


def chart_options(*, y_title: str, x_title: str = "", stacked: bool = False) -> str:
    """Chart.js options that replace Unfold's sparkline look (4 px bars, no legend, no values
    on the axis): bars as wide as their slot allows, both axes with their ticks and titles,
    and a legend under the chart."""

    def axis(title: str, **extra) -> dict:
        return {
            "stacked": stacked,
            "title": {"display": bool(title), "text": title},
            "ticks": {"display": True},
            **extra,
        }

    return json.dumps(
        {
            "animation": False,
            "responsive": True,
            "maintainAspectRatio": False,
            "datasets": {
                "bar": {
                    "maxBarThickness": 56,
                    "categoryPercentage": 0.8,
                    "barPercentage": 0.9,
                    "borderRadius": 3,
                }
            },
            "plugins": {
                "legend": {"display": True, "position": "bottom"},
                "tooltip": {"enabled": True},
            },
            "scales": {
                "x": axis(x_title, grid={"display": False}),
                "y": axis(y_title, beginAtZero=True),
            },
        }
    )


def charts(figures: dict) -> dict:
    volume = figures["volume"]
    resolution = figures["resolution"]
    hours = [
        (resolution[key]["mean_seconds"] or 0) / 3600 for key in ("escalated", "not_escalated")
    ]
    escalations = _("Escalations")
    return {
        "volume": _chart(
            volume["days"],
            [
                {
                    "label": volume["kind_labels"][kind],
                    "data": counts,
                    "backgroundColor": COLOURS[kind],
                    "borderColor": COLOURS[kind],
                }
                for kind, counts in volume["by_kind_per_day"].items()
            ],
        ),
        "volume_options": chart_options(y_title=escalations, x_title=_("Day"), stacked=True),
        "category": _bars(volume["by_category"], escalations),
        "category_options": chart_options(y_title=escalations, x_title=_("Task category")),
        "team": _bars(volume["by_team"], escalations),
        "team_options": chart_options(y_title=escalations, x_title=_("Receiving team")),
        "tier": _bars(volume["by_tier"], escalations),
        "tier_options": chart_options(y_title=escalations, x_title=_("Tier")),
        "resolution": _chart(
            [_("Escalated"), _("Not escalated")],
            [{"label": _("Mean hours to resolve"), "data": hours, "backgroundColor": BAR}],
        ),
        "resolution_options": chart_options(y_title=_("Hours")),
        "sla": _chart(
            [row["policy"] for row in figures["sla"]],
            [
                {
                    "label": _("Breached (%)"),
                    "data": [round((row["rate"] or 0) * 100, 1) for row in figures["sla"]],
                    "backgroundColor": "#ef4444",
                }
            ],
        ),
        "sla_options": chart_options(y_title=_("Breached (%)"), x_title=_("SLA policy")),
    }


class ReportsMixin:
    """Added to the escalation admin: /admin/escalations/escalation/reports/."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("reports/", wrap(self.reports_view), name="escalations_escalation_reports"),
            path(
                "reports/threshold/<int:pk>/",
                wrap(self.threshold_view),
                name="escalations_escalation_threshold",
            ),
            *super().get_urls(),
        ]

    def reports_view(self, request):
        if not request.user.has_perm("escalations.view_escalation"):
            raise PermissionDenied
        form = ReportFilter(request.GET or None)
        if request.GET and not form.is_valid():
            figures = None
        else:
            if not request.GET:
                form = ReportFilter({})
                form.is_valid()
            figures = escalation_report(form.period(), form.cleaned_data.get("changed_on"))
        form_name_workspaces(form)  # every workspace's teams are listed together
        wanted = request.GET.get("download")
        if figures is not None and wanted in ("csv", "xlsx"):
            return _download(figures, figures["thresholds"], wanted)
        context = {
            **self.admin_site.each_context(request),
            "title": "Escalation reports",
            "form": form,
            "figures": figures,
        }
        if figures is not None:
            context["charts"] = charts(figures)
            context["thresholds"] = figures["thresholds"]
            context["may_apply"] = request.user.has_perm("escalations.change_escalationpolicy")
            context["comparison"] = figures.get("comparison")
        return TemplateResponse(request, "escalations/admin/reports.html", context)

    def threshold_view(self, request, pk: int):
        """Apply a proposed threshold (POST) to the category's policy."""
        return _apply(request, pk)


@require_POST
def _apply(request, pk: int):
    policy = get_object_or_404(EscalationPolicy, pk=pk)
    if not request.user.has_perm("escalations.change_escalationpolicy"):
        raise PermissionDenied
    try:
        policy_threshold_apply(
            policy=policy,
            value=request.POST.get("value", ""),
            actor=Actor.for_user(request.user),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"{policy.name}: the minimum AI confidence is now {policy.min_confidence}."
        )
    back = request.POST.get("next", "")
    reports = reverse("admin:escalations_escalation_reports")
    return redirect(back if back.startswith(reports) else reports)


def _download(figures: dict, thresholds, kind: str) -> HttpResponse:
    dataset = figures_dataset(figures, thresholds)
    name = f"escalations-{figures['period']['start']}-{figures['period']['end']}.{kind}"
    if kind == "csv":
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            SheetXLSX().export_data(dataset), content_type=SheetXLSX.CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
