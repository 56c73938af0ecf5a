"""Who is told, and how: links, the recipient's language and zone, and the one check of
the acts only programme staff may do."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from resilience_portal import mail
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused

from ..times import span


def link(path):
    return settings.SITE_URL.rstrip("/") + path


def language_of(user):
    return mail.language_of(user)


def session_context(session, user):
    """The session's times in the recipient's zone and the host city's, in their language."""
    with translation.override(language_of(user)):
        return {
            "session": session,
            "name": user.get_short_name(),
            "when": span(session.starts_at, session.ends_at, user.time_zone or "UTC"),
            "zone": user.time_zone or "UTC",
            "when_host": span(session.starts_at, session.ends_at, session.host_zone),
            "host_zone": str(session.host_zone),
            "link": link(session.get_absolute_url()),
        }


def tell(template, user, context, **options):
    mail.send_templated(template, to=user, context=context, **options)


def require_staff(user):
    if not is_programme_staff(user):
        raise Refused(_("Only programme staff can do this."))
