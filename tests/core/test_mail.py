"""E-mail leaves only after the transaction commits, in text and HTML."""

import pytest
from django.db import transaction

from resilience_portal import mail

pytestmark = pytest.mark.django_db


def send_notice():
    mail.send_templated(
        "notice",
        to="sme@example.org",
        context={
            "subject": "Your SME is verified",
            "name": "Budi",
            "message": "You can now submit proposals.",
            "link": "https://portal.example.org/dashboard/",
        },
    )


def test_mail_is_sent_after_commit_in_text_and_html(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_notice()
        assert mailoutbox == []

    (message,) = mailoutbox
    assert message.subject == "Your SME is verified"
    assert message.to == ["sme@example.org"]
    assert "Dear Budi," in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://portal.example.org/dashboard/"' in html


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
