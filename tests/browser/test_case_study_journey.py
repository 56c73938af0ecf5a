"""On a phone: programme staff write a case study, a colleague reviews and publishes it, its
PDF becomes ready, and a visitor finds it and downloads it (journeys 1 and 2)."""

import re

import pytest
from playwright.sync_api import expect

from casestudies.models import CaseStudy, CaseStudyPDF
from tests.factories import (
    PASSWORD,
    CityFactory,
    CohortFactory,
    StaffFactory,
    png_bytes,
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


def test_staff_write_a_colleague_publishes_and_the_pdf_is_ready(page):
    city = CityFactory(name="Semarang", slug="semarang", country="ID")
    cohort = CohortFactory(name="Asia-Pacific 2026")
    writer = StaffFactory(full_name="Wanida Writer")
    reviewer = StaffFactory(full_name="Rizal Reviewer")

    # Write: a draft with a hero picture, themes and key figures.
    sign_in(page, writer)
    page.goto("/case-studies/new/")
    page.get_by_label("Title").fill("Johar market kept trading through the floods")
    page.get_by_label("City").select_option(label="Semarang")
    page.get_by_label("Cohort").select_option(label=cohort.name)
    page.get_by_label("Summary").fill("Three local firms piloted raised stalls and an SMS warning.")
    page.get_by_label("Body (Markdown)").fill(
        "## The problem\n\nThe market flooded **every** monsoon.\n\n## What changed\n\nStalls."
    )
    page.locator("input[name=hero_upload]").set_input_files(
        {"name": "market.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_label("Hero image description (alt text)").fill("Johar market at high tide")
    page.get_by_label("Climate").check()
    page.get_by_label("Key figures").fill("1,200 | traders kept trading")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    page.get_by_role("link", name="See the case study").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    # The author cannot approve their own work: no button for it.
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)

    # Review: a colleague approves with a comment, which publishes it.
    sign_in(page, reviewer)
    page.goto("/case-studies/")
    page.get_by_role("link", name="Johar market kept trading through the floods").click()
    page.get_by_label("Review comments").fill("Clear and well sourced.")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Published. Its PDF is being prepared.")).to_be_visible()

    # PDF: rendered by the task; the page's status area offers it once ready.
    case_study = CaseStudy.objects.get()
    assert case_study.status == CaseStudy.Status.PUBLISHED
    page.reload()
    download = page.get_by_role("link", name="Download the PDF")
    expect(download).to_be_visible()
    assert CaseStudyPDF.objects.get(case_study=case_study).state == CaseStudyPDF.State.READY

    # A visitor finds it in the list and on the city's page, and gets the PDF.
    page.context.clear_cookies()
    page.goto("/case-studies/")
    page.get_by_role("link", name="Johar market kept trading through the floods").click()
    expect(page.get_by_role("heading", name="Key figures")).to_be_visible()
    expect(page.get_by_role("img", name="Johar market at high tide")).to_be_visible()
    response = page.request.get(
        page.get_by_role("link", name="Download the PDF").get_attribute("href")
    )
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")
    page.goto(city.get_absolute_url())
    expect(
        page.get_by_role("link", name="Johar market kept trading through the floods")
    ).to_be_visible()
