"""Percentiles in the database. PostgreSQL computes them with percentile_cont; elsewhere the
values at the two ranks around each percentile are read from the ordered rows (one short
query each) and interpolated the same way percentile_cont does."""

import math

from django.db import connection
from django.db.models import Aggregate, FloatField


class PercentileCont(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction from 0 to 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(queryset, expression, fractions: tuple[float, ...]) -> tuple:
    """The values of `expression` at each fraction over `queryset` (None when it is empty)."""
    output = expression.output_field if hasattr(expression, "output_field") else FloatField()
    if connection.vendor == "postgresql":
        row = queryset.aggregate(
            **{
                f"p{i}": PercentileCont(expression, fraction, output_field=output)
                for i, fraction in enumerate(fractions)
            }
        )
        return tuple(row[f"p{i}"] for i in range(len(fractions)))
    count = queryset.count()
    if not count:
        return (None,) * len(fractions)
    ordered = (
        queryset.annotate(_measure=expression)
        .order_by("_measure")
        .values_list("_measure", flat=True)
    )
    found = []
    for fraction in fractions:
        rank = fraction * (count - 1)
        low, high = math.floor(rank), math.ceil(rank)
        below = ordered[low]
        above = ordered[high] if high != low else below
        found.append(below + (above - below) * (rank - low))
    return tuple(found)


def summary_by(groups: dict, measure) -> dict:
    """Per named queryset: the count, mean and median of `measure` (one query each on
    PostgreSQL; elsewhere a count and mean, then the ranks)."""
    from django.db.models import Avg, Count

    found = {}
    for name, part in groups.items():
        if connection.vendor == "postgresql":
            row = part.aggregate(
                n=Count("pk"),
                mean=Avg(measure),
                p50=PercentileCont(measure, 0.5, output_field=measure.output_field),
            )
            found[name] = (row["n"], row["mean"], row["p50"])
        else:
            totals = part.aggregate(n=Count("pk"), mean=Avg(measure))
            (median,) = percentiles(part, measure, (0.5,))
            found[name] = (totals["n"], totals["mean"], median)
    return found
