"""Every log line names the request it belongs to, in the web node and in the Celery task the
request queued; the logs are JSON objects, one a line."""

import json
import logging

import pytest
from django.core import mail as django_mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db


def test_a_response_carries_the_id_the_proxy_gave(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a9c"})

    assert response["X-Request-ID"] == "lb-7f3a9c"


def test_a_request_without_an_id_or_with_a_forged_one_gets_a_new_one(client):
    plain = client.get("/")
    forged = client.get("/", headers={"X-Request-ID": 'x" level="CRITICAL'})

    assert len(plain["X-Request-ID"]) == 32
    assert forged["X-Request-ID"] not in ('x" level="CRITICAL', plain["X-Request-ID"])


class _Kept(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def task_log():
    """The worker's own lines about each task it ran (Celery's tracer)."""
    tracer = logging.getLogger("celery.app.trace")
    kept, level, disabled = _Kept(), tracer.level, tracer.disabled
    tracer.addHandler(kept)
    tracer.setLevel(logging.INFO)
    tracer.disabled = False
    # Celery builds each task's tracer once per process and keeps whether INFO was on then:
    # a task an earlier test ran would stay silent here. Build them again.
    from resilience_portal.celery import app

    for task in app.tasks.values():
        task.__trace__ = None
    try:
        yield kept.records
    finally:
        tracer.removeHandler(kept)
        tracer.setLevel(level)
        tracer.disabled = disabled


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_task_a_request_queues_logs_with_the_requests_id(client, celery_worker_queue, task_log):
    # A worker thread in this process: only the message headers carry the id across.
    user = UserFactory()
    django_mail.outbox = []
    client.post(
        reverse("account_reset_password"),
        {"email": user.email},
        headers={"X-Request-ID": "reset-42"},
    )

    assert wait_until(lambda: task_log), "the worker logged nothing about the task"
    assert {record.request_id for record in task_log} == {"reset-42"}


def test_log_lines_are_json_with_the_request_id():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    record = logging.getLogger("portal").makeRecord(
        "portal", logging.WARNING, __file__, 1, "Store is slow", (), None
    )
    record.request_id = "abc123"

    line = json.loads(handler.format(record))

    assert line["message"] == "Store is slow"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "abc123"
