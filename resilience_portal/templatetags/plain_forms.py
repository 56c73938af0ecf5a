"""Filter forms in Bootstrap markup at the cost of a loop in Python, not in the template.

A country list has some 250 options; written by a template loop with its filters, they cost
more than the search the form runs.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()
SELECTED = mark_safe(" selected")


@register.simple_tag
def select_options(field):
    """The ``<option>`` elements of a one-choice select, the bound value selected."""
    value = field.value()
    chosen = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option, SELECTED if str(option) == chosen else "", label)
            for option, label in field.field.choices
        ),
    )
