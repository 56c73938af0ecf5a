"""A real Celery worker takes the e-mail task from the real Redis broker and sends it."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail as django_mail

from resilience_portal import mail
from resilience_portal.celery import app

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


@pytest.mark.django_db
def test_worker_sends_a_templated_email_queued_after_commit(
    queue, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_default_queue = queue
    django_mail.outbox = []
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mail.send_templated(
                "notice",
                to="sme@example.org",
                context={"subject": "Receipt", "message": "Your proposal was received."},
            )
    finally:
        app.conf.task_default_queue = "celery"

    assert app.conf.broker_url.startswith("redis://")
    (message,) = wait_for_outbox()
    assert message.subject == "Receipt"
    assert "Your proposal was received." in message.body
    assert message.alternatives[0][1] == "text/html"
