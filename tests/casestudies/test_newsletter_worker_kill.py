"""A worker killed in the middle of a send, then a new one: every subscriber gets the issue
exactly once. A real Celery worker process on Redis, a real SMTP server counting messages."""

import os
import time
import uuid

import pytest
from django.db import connection

from benchmarks.smtp_sink import SMTPSink, kill, start_worker, stop
from casestudies import newsletter_services as services
from casestudies.models import Delivery, NewsletterIssue
from casestudies.newsletter_tasks import newsletter_tick
from resilience_portal.celery import app
from tests.factories import NewsletterIssueFactory, StaffFactory, SubscriberFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBSCRIBERS = 30
BATCH = 10
KILL_AT = 15  # in the middle of the second batch
LEASE = 2


def database_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def queue():
    name = f"test-{uuid.uuid4().hex}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"


def wait_until(predicate, *, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_send_and_replaced_sends_everyone_exactly_once(queue):
    staff = StaffFactory()
    receiving = {SubscriberFactory().email for _ in range(SUBSCRIBERS)}
    never = {
        SubscriberFactory(email=f"{status}@example.org", status=status).email
        for status in ("pending", "unsubscribed", "bounced")
    }
    issue = NewsletterIssueFactory()
    env = {
        "DATABASE_URL": database_url(),
        "NEWSLETTER_BATCH_SIZE": str(BATCH),
        "NEWSLETTER_CLAIM_LEASE": str(LEASE),
    }
    with SMTPSink() as sink:
        env["EMAIL_URL"] = sink.url
        first = start_worker(queue=queue, env=env)
        killed_at = []

        def kill_the_worker(number):
            # The message has arrived, the worker has not heard so yet: the hardest moment.
            if number == KILL_AT:
                killed_at.append(time.monotonic())
                os.kill(first.pid, 9)

        sink.on_message = kill_the_worker
        try:
            services.send_issue_now(issue, by=staff)  # queues the send after commit
            assert wait_until(lambda: first.poll() is not None), "the worker was not killed"
        finally:
            kill(first)
        assert sink.count == KILL_AT
        assert Delivery.objects.filter(issue=issue, status="sent").count() == KILL_AT - 1
        assert Delivery.objects.filter(issue=issue, status="sending").count() == BATCH * 2 - (
            KILL_AT - 1
        )

        second = start_worker(queue=queue, env=env)
        try:
            time.sleep(LEASE + 0.5)  # the lost batch's lease runs out
            newsletter_tick.delay()  # the beat's minute: resume sends whose worker was lost
            assert wait_until(lambda: NewsletterIssue.objects.get(pk=issue.pk).status == "sent"), (
                issue.progress()
            )
        finally:
            stop(second)

    assert set(sink.per_recipient) == receiving, "someone was skipped, or someone else got it"
    assert max(sink.per_recipient.values()) == 1, "someone got the issue twice"
    assert not never & set(sink.per_recipient)
    assert sink.count == SUBSCRIBERS
    for headers in sink.headers:
        assert headers["List-Unsubscribe"].startswith("<http")
        assert "/newsletter/unsubscribe/" in headers["List-Unsubscribe"]
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The message in the worker's hands when it died is recorded as in doubt, not resent.
    progress = NewsletterIssue.objects.get(pk=issue.pk).progress()
    assert (progress["sent"], progress["failed"], progress["remaining"]) == (SUBSCRIBERS - 1, 1, 0)
    in_doubt = Delivery.objects.select_related("subscriber").get(issue=issue, status="failed")
    assert sink.per_recipient[in_doubt.subscriber.email] == 1


def test_batches_sent_side_by_side_keep_everyone_at_most_once_when_the_worker_is_killed(queue):
    """Three senders in the worker, each a batch in flight when it dies: each may leave its
    one message in doubt, recorded as failed; nobody gets two copies, nobody is forgotten."""
    senders, subscribers, kill_at = 3, 60, 25
    staff = StaffFactory()
    receiving = {SubscriberFactory().email for _ in range(subscribers)}
    issue = NewsletterIssueFactory()
    env = {
        "DATABASE_URL": database_url(),
        "NEWSLETTER_BATCH_SIZE": str(BATCH),
        "NEWSLETTER_CLAIM_LEASE": str(LEASE),
        "NEWSLETTER_SENDERS": str(senders),
    }
    with SMTPSink() as sink:
        env["EMAIL_URL"] = sink.url
        first = start_worker(queue=queue, env=env)

        def kill_the_worker(number):
            if number == kill_at:
                os.kill(first.pid, 9)

        sink.on_message = kill_the_worker
        try:
            services.send_issue_now(issue, by=staff)
            assert wait_until(lambda: first.poll() is not None), "the worker was not killed"
        finally:
            kill(first)
        before_restart = sink.count
        assert before_restart < subscribers

        second = start_worker(queue=queue, env=env)
        try:
            time.sleep(LEASE + 0.5)
            newsletter_tick.delay()
            assert wait_until(lambda: NewsletterIssue.objects.get(pk=issue.pk).status == "sent"), (
                issue.progress()
            )
        finally:
            stop(second)

    assert max(sink.per_recipient.values()) == 1, "someone got the issue twice"
    assert set(sink.per_recipient) <= receiving
    progress = NewsletterIssue.objects.get(pk=issue.pk).progress()
    assert progress["remaining"] == 0
    assert progress["sent"] + progress["failed"] == subscribers
    assert progress["failed"] <= senders, "only the messages in the senders' hands are in doubt"
    for delivery in Delivery.objects.filter(issue=issue).select_related("subscriber"):
        copies = sink.per_recipient[delivery.subscriber.email]
        if delivery.status == "sent":
            assert copies == 1, delivery.subscriber.email
        else:
            assert delivery.status == "failed" and copies <= 1
