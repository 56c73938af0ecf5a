"""Procurement's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task

from . import services
from .notices import notify_challenge_audience

__all__ = ["close_due_challenges", "notify_challenge_audience"]


@shared_task
def close_due_challenges():
    """Beat, every minute: record the close of challenges whose deadline has passed."""
    return services.close_due_challenges()
