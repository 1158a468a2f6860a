"""Template filters for the admin pages: stored values as people read them."""

from django import template

from escalations.core.display import duration_text, figure_text
from escalations.core.display import labelled_values as labelled_values_of

register = template.Library()


@register.filter
def labelled_values(values):
    """`{% for label, text in mapping|labelled_values %}`: each value that says something."""
    return labelled_values_of(values)


@register.filter
def duration(seconds):
    """`{{ figures.first_response.p50_seconds|duration }}`: "28 min", "1 h 5 min"."""
    return duration_text(seconds)


@register.filter
def figure(value, unit):
    """`{{ row.before|figure:row.unit }}`: a report figure with its unit."""
    return figure_text(value, unit)


@register.filter
def figure_change(value, unit):
    """`{{ row.change|figure_change:row.unit }}`: a difference, with its sign."""
    return figure_text(value, unit, signed=True)
