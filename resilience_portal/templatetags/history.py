"""``{{ entry|as_sentence }}``: an audit entry as the sentence people read (see history.py)."""

from django import template

from .. import history

register = template.Library()


@register.filter
def as_sentence(entry, zone=None):
    return history.sentence(entry, zone=zone)
