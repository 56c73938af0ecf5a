"""A newcomer signs up on a phone, confirms from the e-mail, signs in and reads the portal in Thai."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def open_menu(page):
    """On a phone, open the menu and wait until it has finished opening: a click on a control
    inside it while it still moves can miss."""
    toggler = page.get_by_role("button", name=re.compile("menu|เมนู"))
    if toggler.is_visible():
        toggler.click()
        menu = page.locator("#main-nav")
        expect(menu).to_have_class(re.compile(r"\bshow\b"))
        expect(menu).not_to_have_class(re.compile(r"\bcollapsing\b"))


def test_newcomer_signs_up_confirms_signs_in_and_switches_to_thai(page):
    page.goto("/")
    page.get_by_role("link", name="Take part").click()
    page.get_by_label("Email*", exact=True).fill("Arunee@Example.org")
    page.get_by_label("Password*", exact=True).fill("river-lotus-market-88")
    page.get_by_label("Password (again)*", exact=True).fill("river-lotus-market-88")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill("arunee@example.org")
    page.get_by_label("Password*", exact=True).fill("river-lotus-market-88")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    open_menu(page)
    page.get_by_label("Language").select_option("th")
    with page.expect_navigation():
        page.get_by_role("button", name="Change").click()
    open_menu(page)
    navigation = page.get_by_role("navigation", name="เมนูหลัก")
    expect(navigation.get_by_role("link", name="แดชบอร์ด")).to_be_visible()
    expect(navigation.get_by_role("button", name="ออกจากระบบ")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "th"
