"""Procurement's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task

from . import evaluation_services, pilot_services, services
from .notices import notify_challenge_audience

__all__ = [
    "close_due_challenges",
    "flag_late_milestones",
    "notify_challenge_audience",
    "record_final_awards",
]


@shared_task
def close_due_challenges():
    """Beat, every minute: record the close of challenges whose deadline has passed."""
    return services.close_due_challenges()


@shared_task
def record_final_awards():
    """Beat: record awards whose standstill has ended (pages read the clock meanwhile)."""
    return evaluation_services.record_final_awards()


@shared_task
def flag_late_milestones():
    """Beat, hourly: e-mail the city's officials once per pilot milestone that fell late."""
    return pilot_services.flag_late_milestones()
