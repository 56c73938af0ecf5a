"""E-mail: rendered in text and HTML, sent by a Celery task once the transaction commits."""

import contextlib
import contextvars
import logging

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
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


def render(template_prefix, context, *, language=None):
    """Render ``email/<prefix>_subject.txt``, ``_body.txt`` and, if present, ``_body.html``."""
    with translation.override(language or translation.get_language()):
        subject = " ".join(
            render_to_string(f"email/{template_prefix}_subject.txt", context).split()
        )
        body = render_to_string(f"email/{template_prefix}_body.txt", context)
        try:
            html = render_to_string(f"email/{template_prefix}_body.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, body, html


def send_templated(template_prefix, *, to, context, language=None, headers=None, attachments=None):
    """Render a message for ``to`` (one address or a list) and queue it after commit.

    ``attachments``: ``(file name, text content, MIME type)`` triples, e.g. a calendar file.
    """
    subject, body, html = render(template_prefix, context, language=language)
    queue(subject=subject, body=body, html=html, to=to, headers=headers, attachments=attachments)


def queue(*, subject, body, to, html=None, headers=None, from_email=None, attachments=None):
    """Send through the ``send_email`` task after the current transaction commits."""
    from .tasks import send_email

    if is_suppressed():
        return
    recipients = [to] if isinstance(to, str) else list(to)
    # robust: the data is already committed, so a broker outage must not turn the
    # user's successful request into an error page; the failure is logged instead.
    transaction.on_commit(
        lambda: send_email.delay(
            subject=subject,
            body=body,
            to=recipients,
            html=html,
            headers=headers or {},
            from_email=from_email,
            attachments=[list(a) for a in attachments or ()],
        ),
        robust=True,
    )
