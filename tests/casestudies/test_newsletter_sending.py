"""Sending an issue: confirmed subscribers only, exactly once each, in batches over one
connection, in their language, with one-click unsubscribe headers; pause, resume, recovery."""

import email.policy
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.utils import timezone

from casestudies import newsletter_sending as sending
from casestudies import newsletter_services as services
from casestudies.models import Delivery, NewsletterIssue
from casestudies.newsletter_tasks import send_newsletter
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    CaseStudyFactory,
    NewsletterIssueFactory,
    NewsletterIssueTranslationFactory,
    PublishedCaseStudyFactory,
    SubscriberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class CountingBackend(EmailBackend):
    """The test outbox, counting the connections opened."""

    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()


@pytest.fixture
def counting_mailer(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.casestudies.test_newsletter_sending.CountingBackend"}
    }
    CountingBackend.opened = 0
    return CountingBackend


@pytest.fixture
def issue(db):
    return NewsletterIssueFactory()


def send_now(issue, staff, capture):
    with capture(execute=True):
        services.send_issue_now(issue, by=staff)
    issue.refresh_from_db()
    return issue


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_an_issue_goes_once_to_each_confirmed_subscriber_and_to_nobody_else(
    issue, staff, django_capture_on_commit_callbacks
):
    confirmed = [SubscriberFactory(email=f"yes{n}@example.org") for n in range(3)]
    for status in ("pending", "unsubscribed", "bounced"):
        SubscriberFactory(email=f"{status}@example.org", status=status)

    send_now(issue, staff, django_capture_on_commit_callbacks)

    assert recipients() == sorted(s.email for s in confirmed)
    assert issue.status == NewsletterIssue.Status.SENT and issue.sent_at is not None
    assert issue.progress() | {} == {
        "sent": 3, "failed": 0, "skipped": 0, "remaining": 0, "total": 3, "done": 3
    }  # fmt: skip
    assert sending.send_batches(issue.pk) == "done"  # running again sends nothing
    assert len(mail.outbox) == 3


def test_each_message_carries_one_click_unsubscribe_headers_that_work(
    issue, staff, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory()

    send_now(issue, staff, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header == f"<http://127.0.0.1:8000{subscriber.get_unsubscribe_url()}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    on_the_wire = message.message(policy=email.policy.SMTP).as_bytes()
    assert f"List-Unsubscribe: {header}\r\n".encode() in on_the_wire  # whole, not encoded
    path = header.strip("<>").removeprefix("http://127.0.0.1:8000")
    Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_each_subscriber_gets_their_language_where_translated_else_english(
    issue, staff, django_capture_on_commit_callbacks
):
    NewsletterIssueTranslationFactory(issue=issue, language="th", subject="ฉบับภาษาไทย")
    SubscriberFactory(email="thai@example.org", language="th")
    SubscriberFactory(email="viet@example.org", language="vi")
    SubscriberFactory(email="english@example.org", language="en")

    send_now(issue, staff, django_capture_on_commit_callbacks)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "thai@example.org": "ฉบับภาษาไทย",
        "viet@example.org": issue.subject,
        "english@example.org": issue.subject,
    }
    thai = next(m for m in mail.outbox if m.to == ["thai@example.org"])
    assert "พอร์ทัลเมืองยืดหยุ่น" in thai.body  # the e-mail's own words are in Thai too
    assert thai.extra_headers["Content-Language"] == "th"


def test_featured_case_studies_appear_in_the_reader_language(
    staff, django_capture_on_commit_callbacks
):
    case_study = PublishedCaseStudyFactory(title="Markets that stay dry")
    from tests.factories import CaseStudyTranslationFactory

    CaseStudyTranslationFactory(case_study=case_study, language="th", title="ตลาดที่ไม่จมน้ำ")
    issue = services.create_issue(by=staff, subject="November", featured=[case_study])
    SubscriberFactory(email="thai@example.org", language="th")
    SubscriberFactory(email="english@example.org", language="en")

    send_now(issue, staff, django_capture_on_commit_callbacks)

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "ตลาดที่ไม่จมน้ำ" in bodies["thai@example.org"]
    assert "Markets that stay dry" in bodies["english@example.org"]
    assert f"{case_study.get_absolute_url()}?lang=th" in bodies["thai@example.org"]


def test_only_published_case_studies_can_be_featured(staff):
    draft = CaseStudyFactory()

    with pytest.raises(Refused):
        services.create_issue(by=staff, subject="November", featured=[draft])
    assert services.create_issue(
        by=staff, subject="November", featured=[PublishedCaseStudyFactory()]
    )


def test_batches_share_one_connection_each(
    issue, staff, settings, counting_mailer, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    SubscriberFactory.create_batch(5)

    send_now(issue, staff, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 5
    assert counting_mailer.opened == 3


def test_an_unsubscribe_is_honoured_by_the_next_batch(
    issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    first, second, third, fourth = SubscriberFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_issue_now(issue, by=staff)
    sending.send_claimed(issue, sending.claim_batch(issue))
    assert recipients() == sorted([first.email, second.email])

    services.unsubscribe(fourth, how="page")
    sending.send_batches(issue.pk)

    assert recipients() == sorted([first.email, second.email, third.email])
    assert Delivery.objects.get(subscriber=fourth).status == Delivery.Status.SKIPPED
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


def test_a_subscriber_bounced_during_sending_is_not_sent_to(
    issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 1
    first, second = SubscriberFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_issue_now(issue, by=staff)
    sending.send_claimed(issue, sending.claim_batch(issue))

    services.mark_bounced(second, by=staff)
    sending.send_batches(issue.pk)

    assert recipients() == [first.email]


def _start_without_worker(issue, staff, capture):
    with capture(execute=False):
        services.send_issue_now(issue, by=staff)


def _age_claim(claim, *, seconds):
    past = timezone.now() - timedelta(seconds=seconds)
    Delivery.objects.filter(claim=claim).update(claimed_at=past)
    Delivery.objects.filter(claim=claim, attempted_at__isnull=False).update(attempted_at=past)


def test_a_batch_lost_with_its_worker_is_recovered_after_the_lease_and_nobody_gets_two(
    issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.NEWSLETTER_CLAIM_LEASE = 60
    subscribers = SubscriberFactory.create_batch(4)
    _start_without_worker(issue, staff, django_capture_on_commit_callbacks)
    claim = sending.claim_batch(issue)
    # The worker died while handing the first row of its batch to the mail server.
    handed_over = Delivery.objects.filter(claim=claim).order_by("pk").first()
    Delivery.objects.filter(pk=handed_over.pk).update(attempted_at=timezone.now())
    _age_claim(claim, seconds=61)

    assert sending.recover_lost_claims(issue) == (2, 1)
    sending.send_batches(issue.pk)

    assert recipients() == sorted(s.email for s in subscribers if s != handed_over.subscriber)
    handed_over.refresh_from_db()
    assert handed_over.status == Delivery.Status.FAILED
    assert "may have arrived" in handed_over.error
    assert issue.progress()["failed"] == 1


def test_a_batch_whose_worker_is_alive_is_not_recovered(
    issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.NEWSLETTER_CLAIM_LEASE = 60
    SubscriberFactory.create_batch(3)
    _start_without_worker(issue, staff, django_capture_on_commit_callbacks)
    claim = sending.claim_batch(issue)
    _age_claim(claim, seconds=61)
    # …but the worker is still handing messages over, one a moment ago.
    first = Delivery.objects.filter(claim=claim).order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(attempted_at=timezone.now())

    assert sending.recover_lost_claims(issue) == (0, 0)
    assert Delivery.objects.filter(claim=claim, status="sending").count() == 3


def test_a_slow_worker_does_not_send_rows_recovered_from_it(
    issue, staff, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(2)
    _start_without_worker(issue, staff, django_capture_on_commit_callbacks)
    claim = sending.claim_batch(issue)
    Delivery.objects.filter(claim=claim).update(status="pending", claim="", claimed_at=None)

    assert sending.send_claimed(issue, claim) == (0, 0)
    assert mail.outbox == []


def test_pause_stops_at_the_next_batch_and_resume_sends_the_rest_once(
    issue, staff, settings, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 1
    SubscriberFactory.create_batch(3)
    _start_without_worker(issue, staff, django_capture_on_commit_callbacks)
    sending.send_claimed(issue, sending.claim_batch(issue))

    services.pause_issue(issue, by=staff)
    assert sending.send_batches(issue.pk) == "paused"
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.resume_issue(issue, by=staff)
    assert len(mail.outbox) == 3 and len(set(recipients())) == 3
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT


def test_only_programme_staff_send_pause_or_schedule(issue, staff):
    outsider = UserFactory()
    with pytest.raises(Refused):
        services.send_issue_now(issue, by=outsider)
    with pytest.raises(Refused):
        services.schedule_issue(issue, by=outsider, when=timezone.now() + timedelta(days=1))
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT

    services.schedule_issue(issue, by=staff, when=timezone.now() + timedelta(days=1))
    assert issue.status == NewsletterIssue.Status.SCHEDULED


def test_a_scheduled_issue_starts_when_due_and_not_before(
    issue, staff, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    services.schedule_issue(issue, by=staff, when=timezone.now() + timedelta(hours=1))

    assert sending.start_due_issues(queue=send_newsletter.delay) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            sending.start_due_issues(
                queue=send_newsletter.delay, now=timezone.now() + timedelta(hours=2)
            )
            == 1
        )

    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    assert len(mail.outbox) == 1


def test_scheduling_in_the_past_is_refused(issue, staff):
    with pytest.raises(Refused):
        services.schedule_issue(issue, by=staff, when=timezone.now() - timedelta(minutes=1))


def test_a_sent_issue_cannot_be_sent_again(issue, staff, django_capture_on_commit_callbacks):
    SubscriberFactory()
    send_now(issue, staff, django_capture_on_commit_callbacks)

    with pytest.raises(Refused):
        services.send_issue_now(issue, by=staff)
    assert len(mail.outbox) == 1


def test_every_change_of_an_issue_status_is_in_the_audit_trail(
    issue, staff, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    services.schedule_issue(issue, by=staff, when=timezone.now() + timedelta(days=1))
    services.unschedule_issue(issue, by=staff)
    _start_without_worker(issue, staff, django_capture_on_commit_callbacks)
    services.pause_issue(issue, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_issue(issue, by=staff)

    actions = list(
        AuditEntry.objects.filter(object_id=str(issue.pk), action__startswith="newsletter.issue")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "newsletter.issue_scheduled",
        "newsletter.issue_unscheduled",
        "newsletter.issue_sending",
        "newsletter.issue_paused",
        "newsletter.issue_resumed",
        "newsletter.issue_sent",
    ]


@pytest.mark.parametrize("language", ["en", "th"])
def test_each_copy_made_from_the_encoded_issue_reads_as_the_message_built_for_its_reader(
    issue, language
):
    """Each language's message is encoded once and copied as bytes per subscriber: a mail
    program must read in the copy what the e-mail library would have written for them."""
    from casestudies import newsletter_messages

    NewsletterIssueTranslationFactory(issue=issue, language="th")
    PublishedCaseStudyFactory(title="Semarang keeps its market dry").newsletter_issues.add(issue)
    subscriber = SubscriberFactory(language=language)
    encoded = newsletter_messages.EncodedIssue(newsletter_messages.render_issue(issue, language))
    assert encoded.raw is not None, "this language's message could not be copied as bytes"
    unsubscribe, manage = newsletter_messages.PersonalLinks().of(subscriber.pk)
    assert unsubscribe.endswith(subscriber.get_unsubscribe_url())
    assert manage.endswith(subscriber.get_manage_url())

    message = encoded.message(to=subscriber.email, unsubscribe=unsubscribe, manage=manage)
    copied = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    message.encoded = None
    built = email.message_from_bytes(
        message.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default
    )

    for header in ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert copied[header] == built[header], header
    assert copied["To"] == subscriber.email
    assert copied["List-Unsubscribe"] == f"<{unsubscribe}>"
    for kind in ("plain", "html"):
        text = copied.get_body((kind,)).get_content()
        assert text == built.get_body((kind,)).get_content()
        assert unsubscribe in text and "NEWSLETTER-" not in text
    other = encoded.message(to="someone@example.org", unsubscribe=unsubscribe, manage=manage)
    assert (
        email.message_from_bytes(other.message().as_bytes())["Message-ID"] != copied["Message-ID"]
    )
