"""Session times on pages: in the viewer's zone and, beside it, in the host city's."""

from django import template
from django.utils import timezone

from ..times import span

register = template.Library()


@register.inclusion_tag("mentorship/_times.html")
def session_times(session):
    viewer = timezone.get_current_timezone()
    host = session.host_zone
    return {
        "session": session,
        "viewer_span": span(session.starts_at, session.ends_at, viewer),
        "viewer_zone": str(viewer),
        "host_span": span(session.starts_at, session.ends_at, host),
        "host_zone": str(host),
        "same_zone": str(viewer) == str(host),
        "host_city": session.host_city.name if session.host_city_id else "",
    }
