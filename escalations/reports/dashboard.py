"""The dashboard: its figures as independent parts (volume, first response, resolution, SLA,
where tickets wait), each one query or a few, and the whole put together from them."""

from functools import partial

from escalations.reports.bottlenecks import state_waits, team_waits
from escalations.reports.metrics import (
    Period,
    first_contact,
    first_response,
    resolution,
    sla_breaches,
    volume,
)


def dashboard_parts(period: Period) -> dict:
    """The dashboard's figures as independent parts, each one query (or a few) to run."""
    return {
        "states": partial(state_waits, period),
        "resolution": partial(resolution, period),
        "sla": partial(sla_breaches, period),
        "volume": partial(volume, period),
        "teams": partial(team_waits, period),
        "first_response": partial(first_response, period),
        "first_contact": partial(first_contact, period),
    }


def dashboard_from(period: Period, found: dict) -> dict:
    """The dashboard's figures from what its parts gave."""
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        **{k: found[k] for k in ("volume", "first_response", "resolution", "first_contact")},
        "sla": found["sla"],
        "bottlenecks": {"states": found["states"], "teams": found["teams"]},
    }


def dashboard(period: Period) -> dict:
    return dashboard_from(period, {name: part() for name, part in dashboard_parts(period).items()})
