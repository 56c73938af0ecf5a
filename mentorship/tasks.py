"""Mentorship's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task

from . import services


@shared_task
def send_session_notices():
    """Beat, every five minutes: reminders 24 h and 1 h before, feedback requests after."""
    return services.send_session_notices()
