"""On a phone: an official drafts a challenge, staff publish it, SMEs propose, one too late,
and after the deadline the official opens the proposals (journeys 1 → 4 → 5)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from procurement.models import Challenge, Proposal
from tests.factories import (
    PASSWORD,
    CityFactory,
    CohortFactory,
    StaffFactory,
    UserFactory,
    VerifiedSMEFactory,
    member_of,
    official_of,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def rows_from_data_migrations():
    """An earlier transactional test flushes the rows data migrations made; make them again."""
    from django.contrib.auth.models import Group

    from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
    from smes.models import Sector
    from smes.sectors import SectorCode

    Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    for code, _label in SectorCode.CHOICES:
        Sector.objects.get_or_create(code=code)


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


def test_official_drafts_staff_publish_smes_propose_and_proposals_open_after_deadline(page):
    city = CityFactory(name="Semarang", slug="semarang", country="ID", time_zone="Asia/Jakarta")
    cohort = CohortFactory(name="Asia-Pacific 2026")
    cohort.cities.add(city)
    official = official_of(city, user=UserFactory(full_name="Sri Wahyuni"))
    staff = StaffFactory(full_name="Programme Staff")
    punctual_sme = VerifiedSMEFactory(city=city, legal_name="PT Banjir Teknologi")
    late_sme = VerifiedSMEFactory(city=city, legal_name="CV Terlambat")
    punctual, late = member_of(punctual_sme), member_of(late_sme)

    # Journey 1: the official drafts the challenge and submits it for approval.
    sign_in(page, official)
    page.goto("/challenges/new/")
    page.get_by_label("Title").fill("Keep Johar market trading through floods")
    page.get_by_label("Problem statement").fill("The market floods **every** monsoon.")
    page.get_by_label("Desired outcomes").fill("No market day lost to a one-in-ten-year flood.")
    page.get_by_label("Climate").check()
    page.get_by_label("Budget from").fill("150000000")
    page.get_by_label("Budget up to").fill("900000000")
    page.get_by_label("Currency").select_option("IDR")
    page.get_by_label("Questions close").fill("2030-04-20T17:00")
    page.get_by_label("Submissions close").fill("2030-05-01T17:00")
    page.get_by_label("Award expected").fill("2030-06-01T12:00")
    # Three criterion rows are offered; two are used, the blank one is ignored.
    page.get_by_label("Criterion", exact=False).nth(0).fill("Impact on the problem")
    page.get_by_label("Weight (%)").nth(0).fill("60")
    page.get_by_label("Criterion", exact=False).nth(1).fill("Price")
    page.get_by_label("Weight (%)").nth(1).fill("40")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Sent to programme staff for approval.")).to_be_visible()
    challenge = Challenge.objects.get()
    assert challenge.submissions_close == datetime.datetime(2030, 5, 1, 10, tzinfo=datetime.UTC)

    # Journey 2, briefly: staff approve and publish.
    sign_in(page, staff)
    page.goto(challenge.get_absolute_url())
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved and published.")).to_be_visible()

    # Journey 4: an SME member drafts and submits, and sees the receipt.
    sign_in(page, punctual)
    page.goto("/challenges/")
    page.get_by_role("link", name="Keep Johar market trading through floods").click()
    page.get_by_role("button", name="Start a proposal").click()
    page.get_by_label("Your solution").fill("Sensor-linked flood gates at each entrance.")
    page.get_by_label("Approach").fill("Pilot at the north entrance for one monsoon.")
    page.get_by_label("Price").fill("420000000")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Submitted. Your receipt is on its way by e-mail.")).to_be_visible()
    digest = page.get_by_test_id("receipt-digest").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert any(digest in message.body and punctual.email in message.to for message in mail.outbox)

    # A second SME opens its form before the deadline and posts it after: refused, draft kept.
    sign_in(page, late)
    page.goto(challenge.get_absolute_url())
    page.get_by_role("button", name="Start a proposal").click()
    page.get_by_label("Your solution").fill("Raised stalls.")
    page.get_by_label("Approach").fill("One row of stalls first.")
    page.get_by_label("Price").fill("300000000")
    passed = timezone.now() - datetime.timedelta(seconds=1)
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=passed - datetime.timedelta(days=1), submissions_close=passed
    )
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_role("heading", name=re.compile("The deadline passed"))).to_be_visible()
    late_proposal = Proposal.objects.get(sme=late_sme)
    assert late_proposal.status == Proposal.Status.DRAFT

    # Journey 5: after the deadline the official opens the table and the proposal in full.
    sign_in(page, official)
    page.goto(challenge.get_absolute_url())
    expect(page.get_by_text("Closed", exact=True)).to_be_visible()
    page.get_by_role("link", name="Open the proposals").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one submission
    expect(table).to_contain_text("IDR\u00a0420,000,000")
    expect(table).not_to_contain_text("420,000,000.00")
    expect(table).not_to_contain_text("CV Terlambat")
    table.get_by_role("link", name="PT Banjir Teknologi").click()
    expect(page.get_by_text("Sensor-linked flood gates at each entrance.")).to_be_visible()
    expect(page.get_by_test_id("receipt-digest")).to_have_text(digest)
