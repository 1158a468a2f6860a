"""Durations and percentiles in the database. A duration is a number of seconds (a float:
cheaper to sort and average than an interval). PostgreSQL computes percentiles with
percentile_cont; elsewhere the values at the two ranks around each percentile are read from the
ordered rows (one short query each) and interpolated the same way percentile_cont does."""

import math

from django.db import connection
from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    """Seconds from `earlier` to `later` (two date-time columns or expressions)."""

    arity = 2  # (later, earlier)
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="date_part('epoch', %(expressions)s)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite's own julianday (not a Python function per row), to the millisecond.
        return super().as_sql(
            compiler,
            connection,
            template="(ROUND((julianday(%(expressions)s)) * 86400000.0) / 1000.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


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


def summary_by(queryset, groups: dict, measure) -> dict:
    """Per named group (a Q each): the count, mean and median of `measure`. PostgreSQL does it
    in one pass with filtered aggregates; elsewhere a count, a mean and the ranks per group."""
    from django.db.models import Avg, Count

    if connection.vendor == "postgresql":
        row = queryset.aggregate(
            **{
                f"{name}__{part}": aggregate
                for name, condition in groups.items()
                for part, aggregate in (
                    ("n", Count(measure, filter=condition)),
                    ("mean", Avg(measure, filter=condition)),
                    (
                        "p50",
                        PercentileCont(
                            measure, 0.5, filter=condition, output_field=measure.output_field
                        ),
                    ),
                )
            }
        )
        return {
            name: (row[f"{name}__n"], row[f"{name}__mean"], row[f"{name}__p50"]) for name in groups
        }
    found = {}
    for name, condition in groups.items():
        part = queryset.filter(condition)
        totals = part.aggregate(n=Count("*"), mean=Avg(measure))
        (median,) = percentiles(part, measure, (0.5,))
        found[name] = (totals["n"], totals["mean"], median)
    return found
