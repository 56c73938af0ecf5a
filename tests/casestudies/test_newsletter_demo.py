"""`seed_demo` gains subscribers in each language and a sent issue, and says who sees what."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command

from casestudies.models import NewsletterIssue, Subscriber

pytestmark = pytest.mark.django_db


def test_seed_demo_sends_a_demo_issue_to_nobody_real_and_is_safe_to_run_twice(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    confirmed = Subscriber.objects.receiving()
    assert {s.language for s in confirmed} == {code for code, _name in django_settings.LANGUAGES}
    sent = NewsletterIssue.objects.sent().get()
    assert sent.translations.filter(language="th").exists()
    assert sent.featured.count() == 3
    assert sent.progress()["sent"] == confirmed.count()
    assert NewsletterIssue.objects.filter(status="draft").count() == 1
    assert mail.outbox == []
    out = capsys.readouterr().out
    assert "/newsletter/staff/" in out and "editor@demo.resilience.test" in out
