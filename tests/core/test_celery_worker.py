"""A real Celery worker takes the e-mail task from the real Redis broker and sends it."""

import pytest
from django.core import mail as django_mail

from resilience_portal import mail
from resilience_portal.celery import app
from tests.helpers import wait_until

pytestmark = pytest.mark.worker


@pytest.mark.django_db
def test_worker_sends_a_templated_email_queued_after_commit(
    celery_worker_queue, django_capture_on_commit_callbacks
):
    django_mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_templated(
            "notice",
            to="sme@example.org",
            context={"subject": "Receipt", "message": "Your proposal was received."},
        )

    assert app.conf.broker_url.startswith("redis://")
    (message,) = wait_until(lambda: django_mail.outbox)
    assert message.subject == "Receipt"
    assert "Your proposal was received." in message.body
    assert message.alternatives[0][1] == "text/html"
