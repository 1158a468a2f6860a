"""Template filters for the admin pages: stored values as people read them."""

from django import template

from escalations.display import labelled_values as labelled_values_of

register = template.Library()


@register.filter
def labelled_values(values):
    """`{% for label, text in mapping|labelled_values %}`: each value that says something."""
    return labelled_values_of(values)
