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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_task_a_request_queues_logs_with_the_requests_id(client, celery_worker_queue, caplog):
    # A worker thread in this process: only the message headers carry the id across.
    user = UserFactory()
    django_mail.outbox = []
    with caplog.at_level(logging.INFO):
        client.post(
            reverse("account_reset_password"),
            {"email": user.email},
            headers={"X-Request-ID": "reset-42"},
        )
    wait_until(lambda: django_mail.outbox)

    in_the_worker = [
        record for record in caplog.records if record.name.startswith("celery.app.trace")
    ]
    assert in_the_worker, [record.name for record in caplog.records]
    assert {record.request_id for record in in_the_worker} == {"reset-42"}


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
