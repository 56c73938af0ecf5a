"""Celery tasks of the cohorts app: thin, idempotent wrappers around the notices."""

from celery import shared_task

from . import notices


@shared_task
def send_selection_results(cohort_id):
    return notices.send_selection_results(cohort_id)
