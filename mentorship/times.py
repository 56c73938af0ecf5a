"""Reading times typed in a chosen zone, and showing a start-to-end span in any zone."""

import zoneinfo

from django.utils import timezone

from resilience_portal.formatting import format_wall_clock

DASH = "\N{EN DASH}"


def wall_clock_in(value, zone_name):
    """The aware time that the wall-clock time ``value`` (as the form read it) means in
    ``zone_name``. The form parsed it in the active zone, so its wall clock is taken back out."""
    wall = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return wall.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


def span(starts_at, ends_at, zone):
    """``'Tue 1 Dec 2026, 23:00 - Wed 2 Dec 2026, 01:00'`` in ``zone``: the end repeats the
    date only when the session crosses midnight there."""
    zone = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    start = timezone.localtime(starts_at, zone)
    end = timezone.localtime(ends_at, zone)
    start_text = format_wall_clock(start, weekday=True)
    if start.date() == end.date():
        return f"{start_text}{DASH}{format_wall_clock(end, time_only=True)}"
    return f"{start_text} {DASH} {format_wall_clock(end, weekday=True)}"
