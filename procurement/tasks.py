"""Procurement's Celery tasks: thin, idempotent wrappers around the services."""

from celery import shared_task

from . import challenge_services, evaluation_services, pilot_services


@shared_task
def close_due_challenges():
    """Beat, every minute: record the close of challenges whose deadline has passed."""
    return challenge_services.close_due_challenges()


@shared_task
def notify_challenge_audience(challenge_id, kind, *, object_id=None):
    from .models import Challenge

    challenge = Challenge.objects.filter(pk=challenge_id).select_related("city").first()
    if challenge is None:
        return 0
    return challenge_services.send_notices(challenge, kind, object_id=object_id)


@shared_task
def record_final_awards():
    """Beat: record awards whose standstill has ended (pages read the clock meanwhile)."""
    return evaluation_services.record_final_awards()


@shared_task
def flag_late_milestones():
    """Beat, hourly: e-mail the city's officials once per pilot milestone that fell late."""
    return pilot_services.flag_late_milestones()
