"""A real Celery worker takes the e-mail task from the real Redis broker and sends it."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail as django_mail

from resilience_portal.celery import app
from resilience_portal.tasks import send_email

pytestmark = pytest.mark.worker


@pytest.fixture
def queue():
    """A worker on a queue of this test's own, so parallel runs cannot take its messages."""
    name = f"test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[name]):
            yield name
    finally:
        app.conf.task_always_eager = True


def wait_for_outbox(seconds=20):
    deadline = time.monotonic() + seconds
    while not django_mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    return django_mail.outbox


def test_worker_sends_an_email_task_taken_from_redis(queue):
    django_mail.outbox = []

    send_email.apply_async(
        kwargs={"subject": "Receipt", "body": "Received.", "to": ["sme@example.org"]},
        queue=queue,
    )

    assert app.conf.broker_url.startswith("redis://")
    assert [message.subject for message in wait_for_outbox()] == ["Receipt"]
