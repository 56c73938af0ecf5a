"""E-mail leaves only after the transaction commits, in text and HTML."""

import pytest
from django.db import transaction
from django.urls import reverse

from resilience_portal import mail
from resilience_portal.celery import app
from resilience_portal.models import User

pytestmark = pytest.mark.django_db


def send_notice():
    mail.send_templated(
        "notice",
        to="sme@example.org",
        context={
            "subject": 'Q&A for "Flood"',
            "name": "O'Brien",
            "message": "You can now submit proposals.",
            "link": "https://portal.example.org/challenges/?city=1&sector=water",
        },
    )


def test_mail_is_sent_after_commit_in_text_and_html(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice()
        assert mailoutbox == []

    (message,) = mailoutbox
    assert message.subject == 'Q&A for "Flood"'
    assert message.to == ["sme@example.org"]
    assert "Dear O'Brien," in message.body
    assert "https://portal.example.org/challenges/?city=1&sector=water" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://portal.example.org/challenges/?city=1&amp;sector=water"' in html


def test_no_mail_leaves_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_notice()
                raise RuntimeError("the state change failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert mailoutbox == []


def test_mail_is_rendered_in_the_recipients_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_templated(
            "notice", to="a@example.org", context={"subject": "x", "message": "y"}, language="th"
        )

    assert "สวัสดี" in mailoutbox[0].body


def test_a_broker_outage_after_commit_does_not_fail_the_request(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("account_signup"),
                {
                    "email": "ketut@example.org",
                    "password1": "river-lotus-market-88",
                    "password2": "river-lotus-market-88",
                },
            )
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = settings.CELERY_BROKER_URL

    assert response.status_code == 302
    assert User.objects.filter(email="ketut@example.org").exists()


def test_no_mail_leaves_while_mail_is_suppressed(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), mail.suppressed():
        send_notice()

    assert mailoutbox == []
