"""iCalendar (RFC 5545) files of learning sessions, built with the icalendar library.

Times are written in UTC (``DTSTART:…Z``), which every calendar application reads without
a VTIMEZONE block and then shows in its own zone. The online link is written only into a
file meant for someone registered (their private feed, their confirmation).
"""

from datetime import UTC

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from .taxonomy import Topic

PRODUCT_ID = "-//Resilience Portal//Peer-learning sessions//EN"


def _uid(session):
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"learning-session-{session.pk}@{host or 'resilience-portal'}"


def event(session, *, with_link=False):
    item = icalendar.Event()
    item.add("uid", _uid(session))
    # Without a METHOD, DTSTAMP is the event's last revision (RFC 5545 3.8.7.2): the same
    # session gives the same bytes, so a feed can be cached until a session changes.
    item.add("dtstamp", session.updated_at.astimezone(UTC))
    item.add("dtstart", session.starts_at.astimezone(UTC))
    item.add("dtend", session.ends_at.astimezone(UTC))
    item.add("summary", session.title)
    url = settings.SITE_URL.rstrip("/") + session.get_absolute_url()
    description = [str(Topic(session.topic).label), "", session.description, "", url]
    location = session.venue
    if with_link and session.online_link:
        description[-1:] = [session.online_link, url]
        location = location or session.online_link
    item.add("description", "\n".join(description).strip())
    if location:
        item.add("location", location)
    item.add("url", url)
    item.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    item.add("last-modified", session.updated_at.astimezone(UTC))
    return item


def calendar(sessions, *, name, with_link=False):
    """A VCALENDAR of ``sessions`` as bytes; ``with_link`` writes each online link in."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for session in sessions:
        cal.add_component(event(session, with_link=with_link))
    return cal.to_ical()


def single(session, *, with_link=False):
    return calendar([session], name=session.title, with_link=with_link)


def public_name():
    return _("Resilience Portal: peer-learning sessions")


def private_name():
    return _("My peer-learning sessions")
