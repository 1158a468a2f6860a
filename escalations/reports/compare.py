"""Before and after a change (a rule or a threshold): the key figures for the same number of
days on each side of the day it changed."""

from datetime import date, timedelta

from django.utils import timezone

from escalations.reports.metrics import (
    Period,
    escalations_in,
    first_contact,
    first_response,
    resolution,
    sla_breaches,
)

# The unit each figure is counted in, and its name without it, for pages that write the value
# with its unit ("28 min", "84.2 %"); the API keeps the names and numbers.
UNITS = {
    "First human response, p50 (min)": ("minutes", "First human response, p50"),
    "First human response, p90 (min)": ("minutes", "First human response, p90"),
    "Resolved at first contact (%)": ("percent", "Resolved at first contact"),
    "Escalated tickets: mean resolution (h)": ("hours", "Escalated tickets: mean resolution"),
    "SLA breach rate (%)": ("percent", "SLA breach rate"),
}


def key_figures(period: Period) -> dict:
    sla = sla_breaches(period)
    clocks = sum(row["clocks"] for row in sla)
    response = first_response(period)
    return {
        "Escalations": escalations_in(period).count(),
        "First human response, p50 (min)": _minutes(response["p50_seconds"]),
        "First human response, p90 (min)": _minutes(response["p90_seconds"]),
        "Resolved at first contact (%)": _percent(first_contact(period)["share"]),
        "Escalated tickets: mean resolution (h)": _hours(
            resolution(period)["escalated"]["mean_seconds"]
        ),
        "SLA breach rate (%)": _percent(
            sum(row["breached"] for row in sla) / clocks if clocks else None
        ),
    }


def before_after(period: Period, changed_on: date) -> dict:
    days = (period.end - period.start).days + 1
    after_end = min(changed_on + timedelta(days=days - 1), timezone.localdate())
    before = period.shifted(changed_on - timedelta(days=days), changed_on - timedelta(days=1))
    after = period.shifted(changed_on, after_end)
    first, second = key_figures(before), key_figures(after)
    return {
        "changed_on": changed_on.isoformat(),
        "before": {"start": before.start.isoformat(), "end": before.end.isoformat()},
        "after": {"start": after.start.isoformat(), "end": after.end.isoformat()},
        "rows": [
            {
                "figure": name,
                "unit": UNITS.get(name, ("count", name))[0],
                "label": UNITS.get(name, ("count", name))[1],
                "before": first[name],
                "after": second[name],
                "change": None
                if first[name] is None or second[name] is None
                else round(second[name] - first[name], 2),
            }
            for name in first
        ],
    }


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def _hours(seconds):
    return None if seconds is None else round(seconds / 3600, 2)


def _percent(share):
    return None if share is None else round(share * 100, 1)
