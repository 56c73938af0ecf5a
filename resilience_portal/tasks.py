"""Celery tasks of the shared core."""

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

# Passing failures (network, DNS, a server that hung up) are retried; a refusal is final.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    OSError,
)


# acks_late is off here: a message handed back after a worker died mid-send would be
# delivered twice. Mail that must arrive exactly once keeps a per-recipient row instead.
@shared_task(
    acks_late=False,
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    dont_autoretry_for=(
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPAuthenticationError,
    ),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
)
def send_email(*, subject, body, to, html=None, headers=None, from_email=None):
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=from_email, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task
def rescan_held_uploads():
    """Scan the uploads held while the virus scanner was down; idempotent."""
    from .scanning import rescan_held

    return rescan_held()
