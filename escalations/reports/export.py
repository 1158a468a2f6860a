"""The dashboard's figures as one table (section, item, measure, value) for CSV and XLSX."""

import tablib

from escalations.spreadsheets.formats import SheetLayout

HEADERS = ["Section", "Item", "Measure", "Value"]


def figures_dataset(figures: dict, thresholds) -> tablib.Dataset:
    rows = []
    volume = figures["volume"]
    rows.append(("Volume", "All escalations", "count", volume["total"]))
    for day, index in zip(volume["days"], range(len(volume["days"])), strict=True):
        for kind, counts in volume["by_kind_per_day"].items():
            rows.append(
                ("Volume per day", f"{day} {volume['kind_labels'][kind]}", "count", counts[index])
            )
    for section, key in (
        ("By kind", "by_kind"),
        ("By task category", "by_category"),
        ("By team", "by_team"),
        ("By tier", "by_tier"),
    ):
        rows += [(section, row["label"], "count", row["count"]) for row in volume[key]]
    response = figures["first_response"]
    rows += [
        ("First human response", "answered", "count", response["answered"]),
        ("First human response", "waiting", "count", response["waiting"]),
        ("First human response", "p50", "seconds", response["p50_seconds"]),
        ("First human response", "p90", "seconds", response["p90_seconds"]),
    ]
    for group, values in figures["resolution"].items():
        label = group.replace("_", " ")
        rows += [
            ("Resolution", label, "tickets", values["tickets"]),
            ("Resolution", label, "mean seconds", values["mean_seconds"]),
            ("Resolution", label, "p50 seconds", values["p50_seconds"]),
        ]
    contact = figures["first_contact"]
    rows += [
        ("First-contact resolution", "ended", "count", contact["ended"]),
        ("First-contact resolution", "resolved first", "count", contact["resolved_first"]),
        ("First-contact resolution", "re-routed", "count", contact["rerouted"]),
        ("First-contact resolution", "share", "fraction", contact["share"]),
    ]
    for row in figures["sla"]:
        rows += [
            ("SLA breaches", row["policy"], "clocks", row["clocks"]),
            ("SLA breaches", row["policy"], "breached", row["breached"]),
            ("SLA breaches", row["policy"], "rate", row["rate"]),
        ]
    for row in figures["bottlenecks"]["states"]:
        rows += [
            ("Waits by state", row["state"], "stays", row["stays"]),
            ("Waits by state", row["state"], "mean seconds", row["mean_seconds"]),
            ("Waits by state", row["state"], "longest seconds", row["longest_seconds"]),
        ]
    for row in figures["bottlenecks"]["teams"]:
        rows += [
            ("Waits by team", row["team"], "mean seconds", row["mean_seconds"]),
            ("Waits by team", row["team"], "longest seconds", row["longest_seconds"]),
        ]
    for item in thresholds:
        name = f"{item.category} ({item.policy})"
        rows += [
            ("AI thresholds", name, "current", item.current),
            ("AI thresholds", name, "verdicts", item.verdicts),
            ("AI thresholds", name, "too early", item.too_early),
            ("AI thresholds", name, "too late", item.too_late),
            ("AI thresholds", name, "proposed", item.proposed),
            ("AI thresholds", name, "expected too early", item.expected_too_early),
            ("AI thresholds", name, "expected too late", item.expected_too_late),
        ]
    dataset = tablib.Dataset(*rows, headers=HEADERS, title="Escalations")
    period = figures["period"]
    dataset.sheet_layout = SheetLayout(
        title="Escalations",
        heading=f"Escalation figures, {period['start']} to {period['end']}",
    )
    return dataset
