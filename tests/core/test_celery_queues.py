"""Work goes to a queue by its kind, each queue with its own workers: a long newsletter send
on the bulk queue does not hold up a password-reset e-mail on the mail queue. Real worker
processes on the real Redis broker, and a real SMTP server that takes a second per newsletter."""

import asyncio
import logging
import time
import uuid
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse

from benchmarks.smtp_sink import free_port, kill, start_worker
from casestudies import newsletter_services
from casestudies.models import NewsletterIssue
from resilience_portal import mail
from resilience_portal.celery import app
from tests.factories import NewsletterIssueFactory, StaffFactory, SubscriberFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 20
SECONDS_PER_NEWSLETTER = 1.0


class SlowForBulkMail:
    """An SMTP server that takes its time over each newsletter (a slow relay, a big list)."""

    def __init__(self):
        self.arrivals = []  # (monotonic time, subject, is a newsletter)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content)
        bulk = message["List-Unsubscribe"] is not None
        if bulk:
            await asyncio.sleep(SECONDS_PER_NEWSLETTER)
        self.arrivals.append((time.monotonic(), str(message["Subject"]), bulk))
        return "250 Message accepted"

    def count(self, *, bulk):
        return sum(1 for _at, _subject, is_bulk in self.arrivals if is_bulk == bulk)


def database_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def wait_until(predicate, *, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def queues(settings):
    """The three queues under names of this test's own, routed as in production."""
    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    settings.CELERY_QUEUE_PREFIX = prefix
    app.conf.task_always_eager = False
    app.conf.task_default_queue = f"{prefix}mail"
    try:
        yield prefix
    finally:
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"


@pytest.fixture
def smtp():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = SlowForBulkMail()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def test_a_long_newsletter_send_does_not_delay_a_password_reset_email(client, queues, smtp):
    sink, smtp_url = smtp
    env = {
        "DATABASE_URL": database_url(),
        "EMAIL_URL": smtp_url,
        "CELERY_QUEUE_PREFIX": queues,
        "CELERY_TASK_DEFAULT_QUEUE": f"{queues}mail",
    }
    workers = [start_worker(queue=f"{queues}{kind}", env=env) for kind in ("mail", "bulk")]
    try:
        # The mail worker is up once it has delivered a first message.
        mail.queue(subject="Warm-up", body="ready?", to="ops@example.org")
        assert wait_until(lambda: sink.count(bulk=False) == 1), "the mail worker did not start"
        for _ in range(SUBSCRIBERS):
            SubscriberFactory()
        issue = NewsletterIssueFactory()
        newsletter_services.send_issue_now(issue, by=StaffFactory())
        assert wait_until(lambda: sink.count(bulk=True) >= 1), "the bulk worker did not start"

        asked = time.monotonic()
        client.post(reverse("account_reset_password"), {"email": UserFactory().email})
        assert wait_until(lambda: sink.count(bulk=False) == 2, seconds=SUBSCRIBERS)

        arrived, subject, _bulk = next(a for a in reversed(sink.arrivals) if not a[2])
        timeline = [(round(at - asked, 1), bulk) for at, _subject, bulk in sink.arrivals]
        assert "Password Reset" in subject
        # On one queue the reset would wait for the whole newsletter; here it overtakes it.
        assert sink.count(bulk=True) < SUBSCRIBERS, timeline
        assert NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENDING
        print(f"password reset e-mail after {arrived - asked:.1f} s; timeline {timeline}")
    finally:
        for worker in workers:
            kill(worker)
