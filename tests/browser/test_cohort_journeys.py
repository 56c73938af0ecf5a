"""On a phone: an official drafts, uploads the letter and submits (journey 2); a reviewer scores
before seeing the others' scores (journey 3); staff decide, confirm, and the selected city
appears on /cohorts/ (journey 4)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import CityApplication, Cohort
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from tests.factories import (
    PASSWORD,
    CityMembershipFactory,
    OpenCohortFactory,
    StaffFactory,
    UnderReviewApplicationFactory,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _portal(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill(email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile("/dashboard/|/2fa/authenticate/"))
    if "/2fa/authenticate/" in page.url:  # staff pass the second factor
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_an_official_drafts_uploads_the_letter_and_submits(page):
    cohort = OpenCohortFactory(name="Asia-Pacific 2027")
    membership = CityMembershipFactory(city__name="Semarang", user__email="sri@semarang.go.id")
    sign_in(page, "sri@semarang.go.id")

    page.goto("/cohorts/")
    page.get_by_role("link", name="Apply on your city's behalf").click()
    page.get_by_label("Apply on behalf of").select_option(label="Semarang")
    page.get_by_role("button", name="Start the application").click()

    page.get_by_label("Motivation").fill("Local firms can stop our markets flooding.")
    page.get_by_label("Resilience challenges").fill("Tidal floods and land subsidence.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your draft is saved.")).to_be_visible()

    # Come back later: the answers are still there.
    page.goto("/dashboard/")
    page.get_by_role("link", name="Continue the draft").click()
    expect(page.get_by_label("Motivation")).to_have_value(
        "Local firms can stop our markets flooding."
    )
    page.get_by_label("Procurement readiness").fill(
        "A unit ready to pilot challenge-based tenders."
    )
    page.get_by_label("Local SME ecosystem").fill("Two incubators and the chamber of commerce.")
    page.get_by_label("Leadership commitment", exact=True).fill("The mayor sponsors the programme.")
    page.get_by_label("Leadership commitment letter (PDF)").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_role("button", name="Submit application").click()

    expect(page.get_by_text("Your application is submitted. Thank you!")).to_be_visible()
    application = CityApplication.objects.get(cohort=cohort, city=membership.city)
    assert application.status == CityApplication.Status.SUBMITTED
    assert application.leadership_letter


def test_staff_decide_confirm_and_the_city_shows_on_the_cohorts_page(page):
    cohort = OpenCohortFactory(
        name="Asia-Pacific 2026", status=Cohort.Status.REVIEWING, max_cities=1
    )
    UnderReviewApplicationFactory(cohort=cohort, city__name="Bangkok")
    UnderReviewApplicationFactory(cohort=cohort, city__name="Pune")
    StaffFactory(email="maya@r-cities.org")
    sign_in(page, "maya@r-cities.org")

    page.goto(f"/cohorts/{cohort.slug}/manage/")
    page.get_by_label("Decision for Bangkok").select_option(label="Select")
    page.get_by_role("button", name="Record for Bangkok").click()
    expect(page.get_by_text("Decision recorded for Bangkok.")).to_be_visible()

    # The cap is one city: a second selection is refused and says why.
    page.get_by_label("Decision for Pune").select_option(label="Select")
    page.get_by_role("button", name="Record for Pune").click()
    expect(page.get_by_text("its maximum")).to_be_visible()
    page.get_by_label("Decision for Pune").select_option(label="Waitlist")
    page.get_by_role("button", name="Record for Pune").click()

    page.get_by_role("link", name="Confirm the selection and tell every applicant").click()
    # The confirmation step names each city with the result it will receive.
    expect(page.get_by_role("row", name="Bangkok")).to_be_visible()
    page.get_by_role("button", name="Yes, confirm and tell every applicant").click()
    expect(page.get_by_text("The selection is confirmed")).to_be_visible()

    page.goto("/cohorts/")
    card = page.get_by_role("region", name="Asia-Pacific 2026")
    expect(card.get_by_role("link", name="Bangkok")).to_be_visible()
    expect(card.get_by_role("link", name="Pune")).to_have_count(0)
    card.get_by_role("link", name="Bangkok").click()
    expect(page.get_by_role("heading", name="Bangkok")).to_be_visible()
    expect(page.get_by_role("link", name="Asia-Pacific 2026")).to_be_visible()

    # The selected cities begin the programme, moved on from the portal, not the admin.
    page.goto(f"/cohorts/{cohort.slug}/manage/")
    page.get_by_role("button", name="Start the programme").click()
    expect(page.get_by_text("The cohort is running.")).to_be_visible()


def test_a_reviewer_scores_and_only_then_sees_the_other_reviewers_scores(page):
    application = UnderReviewApplicationFactory(city__name="Khulna")
    other = StaffFactory()
    early = services.review_for(application, other)
    services.save_scores(
        early, {c.id: (5, "Salinity plan is excellent") for c in application.cohort.criteria.all()}
    )
    services.submit_review(early)
    StaffFactory(email="maya@r-cities.org")
    sign_in(page, "maya@r-cities.org")
    expect(page.get_by_text("1 application awaits your score.")).to_be_visible()

    page.goto(f"/cohorts/applications/{application.pk}/")
    expect(page.get_by_text("Salinity plan is excellent")).to_have_count(0)
    page.get_by_role("link", name="Score or declare a conflict").click()
    for label in ["Resilience need", "Procurement readiness", "SME ecosystem"]:
        page.get_by_label(re.compile(f"{label} \\(weight")).select_option("3")
    page.get_by_role("button", name="Submit review").click()

    expect(page.get_by_text("Your review is submitted.").first).to_be_visible()
    expect(page.get_by_text("Salinity plan is excellent").first).to_be_visible()
