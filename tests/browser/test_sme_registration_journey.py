"""An SME owner registers on a phone; a city official then finds the business in the directory."""

import re

import pytest
from playwright.sync_api import expect

from smes.models import SME
from tests.factories import PASSWORD, PDF_BYTES, CityFactory, CityMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill(email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_owner_registers_on_a_phone_and_an_official_finds_the_business(page, tmp_path):
    CityFactory(name="Semarang", slug="semarang", country="ID", time_zone="Asia/Jakarta")
    owner = UserFactory(email="sari@example.org")
    official = CityMembershipFactory(user__email="official@example.org").user
    certificate = tmp_path / "Izin Usaha.pdf"
    certificate.write_bytes(PDF_BYTES)

    sign_in(page, owner.email)
    page.get_by_role("link", name="Register your business").click()
    page.get_by_label("Legal name*").fill("PT Banjir Cerdas Indonesia")
    page.get_by_label("Trading name").fill("BanjirCerdas")
    page.get_by_label("Registration number*").fill("NIB 8120 0012 3456")
    page.get_by_label("Country*").select_option("ID")
    page.get_by_label("City*").select_option(label="Semarang")
    page.get_by_label("Water and sanitation").check()
    page.get_by_label("Digital and data").check()
    page.get_by_label("Number of employees").fill("18")
    page.get_by_label("Year founded").fill("2017")
    page.get_by_label("Women-led").check()
    page.get_by_label("Capabilities").fill("River level sensors with SMS flood alerts.")
    page.get_by_label("How the pandemic affected the business").fill("Orders stopped.")
    page.get_by_label("Revenue change since the pandemic").select_option("fell_25_50")
    page.get_by_label("Business registration certificate").set_input_files(str(certificate))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Register the business").click()

    expect(page.get_by_role("heading", name="BanjirCerdas")).to_be_visible()
    expect(page.get_by_text("Profile 100% complete")).to_be_visible()
    page.get_by_role("button", name="Ask for verification").click()
    expect(page.get_by_text("Verification pending")).to_be_visible()
    assert SME.objects.get().verification == SME.Verification.PENDING

    page.get_by_role("button", name="Show or hide the menu").click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    expect(page.locator("#main-nav")).not_to_have_class(re.compile(r"\bcollapsing\b"))
    with page.expect_navigation():
        sign_out.click()
    expect(page.get_by_role("link", name="Sign in")).to_be_attached()

    sign_in(page, official.email)
    page.goto("/smes/")
    page.get_by_label("Search", exact=True).fill("sensors")
    page.get_by_role("button", name="More filters").click()
    page.get_by_label("Sector").select_option(label="Water and sanitation")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=sensors.*sector=water"))
    expect(page.get_by_text("1 SME found")).to_be_visible()
    page.get_by_role("link", name="BanjirCerdas").click()
    expect(page.get_by_text("NIB 8120 0012 3456")).to_be_visible()
