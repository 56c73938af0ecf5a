"""A real Celery worker, fed from Redis as beat would, closes a challenge whose deadline passed."""

import datetime
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from procurement.models import Challenge
from procurement.tasks import close_due_challenges
from resilience_portal.celery import app
from tests.factories import ChallengeFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue():
    name = f"test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[name]):
            yield name
    finally:
        app.conf.task_always_eager = True


def test_beat_task_on_a_real_worker_closes_due_challenges(queue, settings):
    assert "close-due-challenges" in settings.CELERY_BEAT_SCHEDULE
    due = ChallengeFactory()
    Challenge.objects.filter(pk=due.pk).update(
        questions_close=timezone.now() - datetime.timedelta(minutes=2),
        submissions_close=timezone.now() - datetime.timedelta(minutes=1),
    )
    close_due_challenges.apply_async(queue=queue)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        due.refresh_from_db()
        if due.status == Challenge.Status.CLOSED:
            break
        time.sleep(0.1)
    assert due.status == Challenge.Status.CLOSED
