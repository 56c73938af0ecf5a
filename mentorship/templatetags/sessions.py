"""Session times on pages: in the viewer's zone and, beside it, in the host city's."""

from django import template
from django.utils import timezone

from ..times import span

register = template.Library()


@register.inclusion_tag("mentorship/_times.html")
def session_times(session):
    viewer = timezone.get_current_timezone()
    host = session.host_zone
    viewer_span = span(session.starts_at, session.ends_at, viewer)
    host_span = span(session.starts_at, session.ends_at, host)
    return {
        "session": session,
        "viewer_span": viewer_span,
        "viewer_zone": str(viewer),
        "host_span": host_span,
        "host_zone": str(host),
        # Bangkok and Ho Chi Minh City differ in name only: the clock is what matters.
        "same_zone": viewer_span == host_span,
        "host_city": session.host_city.name if session.host_city_id else "",
    }
