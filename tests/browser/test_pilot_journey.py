"""Journey 6 in the browser: the city official starts the pilot from a final award and sets
a KPI; the SME posts a progress update with a KPI reading and evidence on a phone; the
public pilot page shows it against the target."""

import re

import pytest
from playwright.sync_api import expect

from procurement.models import KPIReading
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    SubmittedProposalFactory,
    UserFactory,
    VerifiedSMEFactory,
    award_for,
    member_of,
    official_of,
)
from tests.factories import ClosedChallengeFactory as Challenge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill(user.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_sme_reports_a_kpi_reading_and_the_public_pilot_page_shows_it(page, tmp_path):
    challenge = Challenge(title="Flood-ready markets of Hat Yai")
    sme = VerifiedSMEFactory(city=challenge.city, legal_name="Raised Stalls Co")
    award_for(challenge, proposal=SubmittedProposalFactory(challenge=challenge, sme=sme))
    official = official_of(challenge.city, user=UserFactory(full_name="City Official"))
    member = member_of(sme, user=UserFactory(full_name="Stall Builder"))

    # The city official starts the pilot from the challenge page and sets its KPI.
    sign_in(page, official)
    page.goto(f"/challenges/{challenge.slug}/")
    page.get_by_role("link", name="Start the pilot").click()
    page.get_by_label(re.compile("What the pilot does")).fill("Raised stalls in the night market.")
    page.get_by_label(re.compile("Starts on")).fill("2026-11-01")
    page.get_by_label(re.compile("Ends on")).fill("2027-04-30")
    page.get_by_role("button", name="Start the pilot").click()
    expect(page.get_by_text("The pilot has started.")).to_be_visible()
    page.get_by_label(re.compile("Indicator")).select_option("households_protected")
    page.get_by_label(re.compile("Baseline")).fill("0")
    page.get_by_label(re.compile("Target")).fill("200")
    page.get_by_role("button", name="Add KPI").click()
    expect(page.get_by_text("KPI added.")).to_be_visible()

    # The SME's member reports progress with a reading and a delivery note.
    evidence = tmp_path / "delivery note.pdf"
    evidence.write_bytes(PDF_BYTES)
    sign_in(page, member)
    page.goto(f"/challenges/{challenge.slug}/pilot/")
    page.get_by_role("link", name="Report progress").click()
    page.get_by_label(re.compile("What happened")).fill("Fifty stalls raised before the rains.")
    page.get_by_label(re.compile("Households protected from flooding")).fill("50")
    page.get_by_label(re.compile("Evidence file 1")).set_input_files(str(evidence))
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Progress reported")).to_be_visible()

    # Anyone reads it on the public page: the reading against the target, 25% of the way.
    page.context.clear_cookies()
    page.goto(f"/challenges/{challenge.slug}/pilot/")
    expect(page.get_by_text("Fifty stalls raised before the rains.")).to_be_visible()
    kpi = page.get_by_test_id("kpi")
    expect(kpi).to_contain_text("50")
    expect(kpi).to_contain_text("25%")
    expect(page.get_by_role("img", name=re.compile("25% of the way"))).to_be_visible()
    expect(page.get_by_text("Stall Builder")).to_have_count(0)
    assert KPIReading.objects.get().value == 50
