"""Celery tasks of the cohorts app: thin, idempotent wrappers around services."""

from celery import shared_task


@shared_task
def send_selection_results(cohort_id):
    from .services import send_selection_results as send

    return send(cohort_id)
