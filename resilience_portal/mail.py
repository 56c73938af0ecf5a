"""E-mail: rendered in text and HTML, sent by a Celery task once the transaction commits."""

import contextlib
import contextvars
import logging
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

_suppressed = contextvars.ContextVar("mail_suppressed", default=False)


@contextlib.contextmanager
def suppressed():
    """No e-mail leaves inside this block: demo data is loaded without telling anyone."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def is_suppressed():
    return _suppressed.get()


def language_of(recipient):
    """The language ``recipient`` reads: an account's or a subscriber's own, else the
    portal's default; never the language of whoever's request caused the message."""
    return _supported(getattr(recipient, "language", ""))


def _supported(language):
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def addressee(address, *, introduced_by=None):
    """Whoever an invitation goes to by address: someone with an account reads it in their
    own language; a newcomer in the language of the person who invited them (a colleague
    of the same city or firm), the best guess there is before they choose."""
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(email__iexact=address).only("language").first()
    reader = account or introduced_by
    return SimpleNamespace(email=address, language=language_of(reader))


def render_text(template_name, context):
    """A plain-text template: nothing is HTML-escaped (an apostrophe stays an apostrophe)."""
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def render(template_prefix, context, *, language):
    """Render ``email/<prefix>_subject.txt``, ``_body.txt`` and, if present, ``_body.html``
    with ``language`` active: the recipient's, whatever the request's language is."""
    with translation.override(_supported(language)):
        subject = " ".join(render_text(f"email/{template_prefix}_subject.txt", context).split())
        body = render_text(f"email/{template_prefix}_body.txt", context)
        try:
            html = render_to_string(f"email/{template_prefix}_body.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, body, html


def _by_language(to, language):
    """Group the recipients by the language each reads, keeping their order."""
    single = isinstance(to, str) or hasattr(to, "email")
    groups = {}
    for recipient in [to] if single else to:
        if isinstance(recipient, str):
            address, read_in = recipient, _supported(language)
        else:
            address, read_in = recipient.email, language_of(recipient)
        addresses = groups.setdefault(read_in, [])
        if address not in addresses:
            addresses.append(address)
    return groups


def send_templated(template_prefix, *, to, context, language=None, headers=None, attachments=None):
    """Render a message for each language among ``to`` and queue it after commit.

    ``to``: a recipient with ``email`` and ``language`` (a user, a subscriber), a list of
    them, or an address (or list of addresses) of someone without an account, who reads
    ``language`` (the portal's default when not given). Each recipient reads the message in
    their own language; those who share one share a message.
    ``attachments``: ``(file name, text content, MIME type)`` triples, e.g. a calendar file.
    """
    for read_in, addresses in _by_language(to, language).items():
        subject, body, html = render(template_prefix, context, language=read_in)
        queue(
            subject=subject,
            body=body,
            html=html,
            to=addresses,
            headers=headers,
            attachments=attachments,
            language=read_in,
        )


def queue(
    *,
    subject,
    body,
    to,
    html=None,
    headers=None,
    from_email=None,
    attachments=None,
    language=None,
):
    """Send through the ``send_email`` task after the current transaction commits.

    ``language``: what the message was written in, told to mail programs (RFC 3282).
    """
    from .tasks import send_email

    if is_suppressed():
        return
    recipients = [to] if isinstance(to, str) else list(to)
    subject = " ".join(str(subject).split())
    headers = dict(headers or {})
    if language:
        headers.setdefault("Content-Language", language)
    # robust: the data is already committed, so a broker outage must not turn the
    # user's successful request into an error page; the failure is logged instead.
    transaction.on_commit(
        lambda: send_email.delay(
            subject=subject,
            body=body,
            to=recipients,
            html=html,
            headers=headers,
            from_email=from_email,
            attachments=[list(a) for a in attachments or ()],
        ),
        robust=True,
    )
