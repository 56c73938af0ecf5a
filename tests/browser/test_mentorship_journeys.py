"""On a phone: an official registers for a session, a second joins the waitlist and is
promoted when the first cancels; then a mentee asks a suggested mentor, who accepts, and the
pair log a meeting and tick off its action item."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentorship.models import ActionItem, Mentorship, Registration
from tests.factories import (
    PASSWORD,
    LearningSessionFactory,
    MenteeProfileFactory,
    MentorProfileFactory,
    UserFactory,
    an_official,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill(user.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile("/dashboard/|/2fa/authenticate/"))
    if "/2fa/authenticate/" in page.url:  # staff pass the second factor
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_registering_on_a_phone_and_the_waitlist_promotion(page):
    session = LearningSessionFactory(title="Outcome specs in practice", capacity=1)
    first = an_official(user=UserFactory(full_name="Sri Wahyuni", time_zone="Asia/Jakarta"))
    second = an_official(user=UserFactory(full_name="Somchai Prasert", time_zone="Asia/Bangkok"))

    sign_in(page, first)
    page.goto("/sessions/")
    page.get_by_role("link", name="Outcome specs in practice").click()
    expect(page.get_by_text("The link is shown to registered people.")).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text(re.compile("You are registered. A confirmation"))).to_be_visible()
    expect(page.get_by_test_id("online-link")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(page, second)
    page.goto(session.get_absolute_url())
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text(re.compile("you are on the waitlist"))).to_be_visible()
    expect(page.get_by_test_id("online-link")).to_have_count(0)

    sign_in(page, first)
    page.goto(session.get_absolute_url())
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    assert Registration.objects.get(user=second, session=session).is_confirmed
    assert any(second.email in m.to and "place opened up" in m.subject for m in mail.outbox)

    sign_in(page, second)
    page.goto(session.get_absolute_url())
    expect(page.get_by_text("You are registered.")).to_be_visible()
    expect(page.get_by_test_id("online-link")).to_be_visible()


def test_a_mentorship_request_accepted_and_a_meeting_logged(page):
    mentor = MentorProfileFactory(
        user=UserFactory(full_name="Anjali Rao"), expertise=["climate_finance"], languages=["en"]
    )
    mentee = an_official(user=UserFactory(full_name="Nguyen Thi Lan"))
    MenteeProfileFactory(user=mentee, needs=["climate_finance"], languages=["en"])

    sign_in(page, mentee)
    page.goto("/mentoring/")
    expect(
        page.get_by_text(re.compile("Knows about what you asked for: Climate finance"))
    ).to_be_visible()
    page.get_by_role("link", name="Ask Anjali Rao").click()
    page.get_by_label("What you hope to achieve").fill("Finance our first pilot.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is sent; the mentor will answer.")).to_be_visible()

    sign_in(page, mentor.user)
    page.get_by_role("link", name="Nguyen Thi Lan").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text(re.compile("The mentorship is active"))).to_be_visible()
    assert Mentorship.objects.get().status == Mentorship.Status.ACTIVE

    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_label("Notes").fill("Compared **green loans** and guarantees.")
    page.get_by_label("Action items").fill("Ask two banks about guarantees")
    page.get_by_role("button", name="Log the meeting").click()
    expect(page.get_by_text("The meeting is logged.")).to_be_visible()

    sign_in(page, mentee)
    page.goto(Mentorship.objects.get().get_absolute_url())
    page.get_by_role("button", name="Tick off: Ask two banks about guarantees").click()
    expect(
        page.get_by_role("button", name="Reopen: Ask two banks about guarantees")
    ).to_be_visible()
    assert ActionItem.objects.get().is_done
