"""A visitor subscribes on a phone, confirms from the e-mail, receives an issue and leaves
with its unsubscribe link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from casestudies import newsletter_services as services
from casestudies.models import Subscriber
from tests.factories import NewsletterIssueFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/newsletter/confirm/[^/\s]+/)")


def test_visitor_subscribes_confirms_from_the_email_and_unsubscribes(page):
    page.goto("/newsletter/")
    page.get_by_role("link", name="Subscribe", exact=True).click()
    page.get_by_label("E-mail address*", exact=True).fill("Lan@Example.org")
    page.get_by_label("Name", exact=True).fill("Lan")
    page.get_by_label("Language of the newsletter*", exact=True).select_option("vi")
    page.get_by_label("Health").check()
    page.get_by_label(
        re.compile("I would like to receive the Resilience Portal newsletter")
    ).check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert Subscriber.objects.get().status == "pending"

    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    subscriber = Subscriber.objects.get()
    assert (subscriber.status, subscriber.language, subscriber.topics) == (
        "confirmed",
        "vi",
        ["health"],
    )

    services.send_issue_now(NewsletterIssueFactory(), by=StaffFactory())
    issue_email = mail.outbox[-1]
    assert issue_email.to == ["lan@example.org"]
    unsubscribe = issue_email.extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(re.sub(r"^https?://[^/]+", "", unsubscribe))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert Subscriber.objects.get().status == "unsubscribed"
