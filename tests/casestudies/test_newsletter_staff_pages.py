"""Staff compose, preview, test, schedule and send issues and mark bounces; nobody else can.
The web view of an issue exists once it is sent. Lists run a constant number of queries."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from casestudies.models import Delivery, NewsletterIssue, Subscriber
from tests.factories import (
    CaseStudyFactory,
    NewsletterIssueFactory,
    NewsletterIssueTranslationFactory,
    PublishedCaseStudyFactory,
    SubscriberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def sent_issue(**kwargs):
    return NewsletterIssueFactory(
        status=NewsletterIssue.Status.SENT, sent_at=timezone.now(), **kwargs
    )


# --- who may ------------------------------------------------------------------------------


def staff_pages(issue):
    return [
        reverse("casestudies:newsletter_staff"),
        reverse("casestudies:newsletter_staff_create"),
        reverse("casestudies:newsletter_staff_issue", args=[issue.pk]),
        reverse("casestudies:newsletter_staff_preview", args=[issue.pk]),
        reverse("casestudies:newsletter_staff_progress", args=[issue.pk]),
        reverse("casestudies:newsletter_staff_subscribers"),
    ]


def test_staff_open_every_newsletter_staff_page(staff_client):
    issue = NewsletterIssueFactory()
    for path in staff_pages(issue):
        assert staff_client.get(path).status_code == 200, path


def test_a_signed_in_non_staff_user_is_refused_and_a_visitor_sent_to_sign_in(client):
    issue = NewsletterIssueFactory()
    for path in staff_pages(issue):
        assert client.get(path).status_code == 302, path
    client.force_login(UserFactory())
    for path in staff_pages(issue):
        assert client.get(path).status_code == 403, path


def test_a_non_staff_user_cannot_send_an_issue(client, django_capture_on_commit_callbacks):
    issue = NewsletterIssueFactory()
    SubscriberFactory()
    client.force_login(UserFactory(is_staff=True))  # the admin flag alone is not programme staff

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casestudies:newsletter_staff_act", args=[issue.pk, "send"]))

    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == "draft" and mail.outbox == []


# --- composing and sending ------------------------------------------------------------------


def test_staff_compose_an_issue_featuring_published_case_studies(staff_client, staff):
    published = PublishedCaseStudyFactory()

    response = staff_client.post(
        reverse("casestudies:newsletter_staff_create"),
        {"subject": "November", "introduction": "Hello **cities**", "featured": [published.pk]},
    )

    issue = NewsletterIssue.objects.get()
    assert response.url == issue.get_staff_url()
    assert list(issue.featured.all()) == [published] and issue.created_by == staff


def test_a_draft_case_study_cannot_be_featured(staff_client):
    draft = CaseStudyFactory()

    response = staff_client.post(
        reverse("casestudies:newsletter_staff_create"),
        {"subject": "November", "introduction": "", "featured": [draft.pk]},
    )

    assert response.status_code == 200
    assert "featured" in response.context["form"].errors
    assert not NewsletterIssue.objects.exists()


def test_the_introduction_is_markdown_without_scripts_in_the_preview(staff_client):
    issue = NewsletterIssueFactory(introduction="**Bold** <script>alert(1)</script>")

    html = staff_client.get(reverse("casestudies:newsletter_staff_preview", args=[issue.pk]))
    text = staff_client.get(
        reverse("casestudies:newsletter_staff_preview", args=[issue.pk]) + "?format=text"
    )

    assert b"<strong>Bold</strong>" in html.content and b"<script>" not in html.content
    assert "script-src 'self'" in html["Content-Security-Policy"]
    assert text["Content-Type"].startswith("text/plain")
    assert b"**Bold**" in text.content


def test_the_preview_shows_a_translation_in_its_language(staff_client):
    translation = NewsletterIssueTranslationFactory(subject="ฉบับภาษาไทย")

    response = staff_client.get(
        reverse("casestudies:newsletter_staff_preview", args=[translation.issue.pk]) + "?lang=th"
    )

    assert "ฉบับภาษาไทย" in response.content.decode()


def test_a_test_send_goes_to_the_staff_member_only(
    staff_client, staff, django_capture_on_commit_callbacks
):
    issue = NewsletterIssueFactory()
    SubscriberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("casestudies:newsletter_staff_act", args=[issue.pk, "test"]), {"language": "en"}
        )

    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert message.subject.startswith("[Test]")
    issue.refresh_from_db()
    assert issue.status == "draft" and not Delivery.objects.exists()


def test_staff_send_now_and_the_issue_page_shows_the_progress(
    staff_client, django_capture_on_commit_callbacks
):
    issue = NewsletterIssueFactory()
    SubscriberFactory.create_batch(3)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("casestudies:newsletter_staff_act", args=[issue.pk, "send"]))

    response = staff_client.get(reverse("casestudies:newsletter_staff_progress", args=[issue.pk]))
    assert response.context["progress"]["sent"] == 3
    assert b'data-count="sent">3<' in response.content
    assert b"hx-get" not in response.content  # finished: the page stops asking


def test_the_progress_box_asks_again_while_sending(
    staff_client, staff, django_capture_on_commit_callbacks
):
    from casestudies import newsletter_services as services

    issue = NewsletterIssueFactory()
    SubscriberFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=False):
        services.send_issue_now(issue, by=staff)

    response = staff_client.get(reverse("casestudies:newsletter_staff_issue", args=[issue.pk]))

    assert b'hx-trigger="every 2s"' in response.content
    assert b'data-count="remaining">2<' in response.content


def test_a_past_time_cannot_be_scheduled_from_the_page(staff_client):
    issue = NewsletterIssueFactory()

    staff_client.post(
        reverse("casestudies:newsletter_staff_act", args=[issue.pk, "schedule"]),
        {"when": "2001-01-01T10:00"},
    )

    issue.refresh_from_db()
    assert issue.status == "draft"


def test_a_future_time_schedules_the_issue(staff_client):
    issue = NewsletterIssueFactory()

    staff_client.post(
        reverse("casestudies:newsletter_staff_act", args=[issue.pk, "schedule"]),
        {"when": "2099-01-01T10:00"},
    )

    issue.refresh_from_db()
    assert issue.status == "scheduled" and issue.scheduled_for.year == 2099


# --- bounces --------------------------------------------------------------------------------


def test_staff_mark_one_address_bounced(staff_client):
    subscriber = SubscriberFactory()

    staff_client.post(reverse("casestudies:newsletter_staff_bounce", args=[subscriber.pk]))

    subscriber.refresh_from_db()
    assert subscriber.status == "bounced" and subscriber.bounced_at is not None


def test_staff_mark_addresses_bounced_from_a_pasted_list(staff_client):
    first = SubscriberFactory(email="first@example.org")
    second = SubscriberFactory(email="second@example.org")
    kept = SubscriberFactory(email="kept@example.org")

    staff_client.post(
        reverse("casestudies:newsletter_staff_subscribers"),
        {
            "addresses": "FIRST@example.org,\n<second@example.org>; nobody@example.org not-an-address"
        },
    )

    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        first.email: "bounced",
        second.email: "bounced",
        kept.email: "confirmed",
    }


def test_a_non_staff_user_cannot_mark_bounces(client):
    subscriber = SubscriberFactory()
    client.force_login(UserFactory())

    response = client.post(reverse("casestudies:newsletter_staff_bounce", args=[subscriber.pk]))

    assert response.status_code == 403
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


# --- the web view -------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "scheduled", "sending", "paused"])
def test_the_web_view_of_an_issue_not_yet_sent_is_a_404_even_for_staff(client, staff, status):
    issue = NewsletterIssueFactory(status=status, scheduled_for=timezone.now())
    path = reverse("casestudies:newsletter_issue", args=[issue.pk])

    assert client.get(path).status_code == 404
    client.force_login(staff)
    assert client.get(path).status_code == 404


def test_the_web_view_of_a_sent_issue_is_public_and_in_the_reader_language(client):
    issue = sent_issue(subject="November issue")
    NewsletterIssueTranslationFactory(issue=issue, subject="ฉบับเดือนพฤศจิกายน")
    path = reverse("casestudies:newsletter_issue", args=[issue.pk])

    assert "November issue" in client.get(path).content.decode()
    assert "ฉบับเดือนพฤศจิกายน" in client.get(path + "?lang=th").content.decode()
    assert "November issue" in client.get(path + "?lang=vi").content.decode()  # not translated


def test_the_archive_lists_sent_issues_only(client):
    sent = sent_issue(subject="Sent one")
    NewsletterIssueFactory(subject="Draft one")

    content = client.get(reverse("casestudies:newsletter")).content.decode()

    assert sent.subject in content and "Draft one" not in content


# --- constant queries -----------------------------------------------------------------------


def _issues_with_deliveries(count):
    subscribers = SubscriberFactory.create_batch(2)
    for _ in range(count):
        issue = sent_issue(featured=[PublishedCaseStudyFactory()])
        NewsletterIssueTranslationFactory(issue=issue)
        for subscriber in subscribers:
            Delivery.objects.create(issue=issue, subscriber=subscriber, status="sent")


@pytest.mark.parametrize("count", [2, 12])
def test_the_staff_issue_list_runs_constant_queries(
    staff_client, count, django_assert_max_num_queries
):
    _issues_with_deliveries(count)
    # Every role is asked in one query per signed-in request.
    with django_assert_max_num_queries(7):
        assert staff_client.get(reverse("casestudies:newsletter_staff")).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_the_public_archive_runs_constant_queries(client, count, django_assert_max_num_queries):
    _issues_with_deliveries(count)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("casestudies:newsletter")).status_code == 200


@pytest.mark.parametrize("count", [2, 40])
def test_the_subscriber_list_runs_constant_queries(
    staff_client, count, django_assert_max_num_queries
):
    SubscriberFactory.create_batch(count)
    # Every role is asked in one query per signed-in request.
    with django_assert_max_num_queries(6):
        assert (
            staff_client.get(reverse("casestudies:newsletter_staff_subscribers")).status_code == 200
        )


@pytest.mark.parametrize("count", [2, 40])
def test_the_issue_page_and_its_progress_run_constant_queries(
    staff_client, count, django_assert_max_num_queries
):
    issue = NewsletterIssueFactory(
        status="sending", featured=[PublishedCaseStudyFactory() for _ in range(count // 10 + 1)]
    )
    for subscriber in SubscriberFactory.create_batch(count):
        Delivery.objects.create(issue=issue, subscriber=subscriber)
    with django_assert_max_num_queries(10):
        staff_client.get(reverse("casestudies:newsletter_staff_issue", args=[issue.pk]))
    with django_assert_max_num_queries(6):
        staff_client.get(reverse("casestudies:newsletter_staff_progress", args=[issue.pk]))


@pytest.mark.parametrize("count", [1, 6])
def test_the_web_view_runs_constant_queries(client, count, django_assert_max_num_queries):
    issue = sent_issue(featured=[PublishedCaseStudyFactory() for _ in range(count)])
    with django_assert_max_num_queries(4):
        client.get(reverse("casestudies:newsletter_issue", args=[issue.pk]) + "?lang=th")


def test_staff_see_issues_under_way_on_their_dashboard_and_others_do_not(client, staff):
    NewsletterIssueFactory(subject="Paused issue", status="paused")
    client.force_login(staff)
    assert "Paused issue" in client.get("/dashboard/").text
    client.force_login(UserFactory())
    assert "Paused issue" not in client.get("/dashboard/").text
