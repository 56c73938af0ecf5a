"""The portal's one way to write times, days and money in templates and e-mails.

Loaded as a builtin (settings.TEMPLATES), so every template has ``|moment``, ``|day``,
``|datetime_attr``, ``|money`` and ``{% deadline %}`` without a ``{% load %}``.
"""

import zoneinfo

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import formatting

register = template.Library()


@register.filter
def moment(value, zone=None):
    """``29 Dec 2026, 17:00 WIB``: in the active zone, or in ``zone`` (a name)."""
    return formatting.format_moment(value, zone=zone or None)


@register.filter
def moment_seconds(value, zone=None):
    """As ``moment``, to the second (receipts)."""
    return formatting.format_moment(value, zone=zone or None, seconds=True)


@register.filter
def day(value, zone=None):
    """``29 Dec 2026``: a date, or the day a moment falls on in the active zone (or ``zone``)."""
    return formatting.format_day(value, zone=zone or None)


@register.filter
def datetime_attr(value):
    """The value of ``<time datetime>``: UTC to the second."""
    return formatting.machine_moment(value)


@register.filter
def money(amount, currency):
    """``Rp 150.000.000``: grouped, with the decimals ``currency`` has in use."""
    return formatting.format_money(amount, currency)


def _own_zone(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@register.simple_tag(takes_context=True)
def deadline(context, value, city):
    """A city's deadline on the city's clock, its zone named; a signed-in user whose own zone
    keeps another time at that moment sees that time beside it."""
    if not value:
        return ""
    shown = format_html(
        '<time datetime="{}">{}</time>',
        formatting.machine_moment(value),
        formatting.format_city_moment(value, city),
    )
    request = context.get("request")
    zone = _own_zone(getattr(request, "user", None))
    if zone is None:
        return shown
    city_moment = formatting.in_zone(value, city.zone)
    own_moment = formatting.in_zone(value, zone)
    if own_moment.utcoffset() == city_moment.utcoffset():
        return shown
    return format_html(
        '{} <span class="text-body-secondary own-zone">({})</span>',
        shown,
        _("your time: %(when)s") % {"when": formatting.format_moment(value, zone=zone)},
    )
