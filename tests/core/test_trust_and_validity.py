"""Every page says who runs the portal and how to reach them, links an about page and a privacy
notice that sign-up and SME registration point to, shows a favicon, and writes markup that
validates: time stamps without microseconds, htmx attributes with the data- prefix, hidden
initial values without a description."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cohorts.forms import ApplicationForm
from procurement.models import Challenge
from tests.factories import ChallengeFactory, CityApplicationFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_page_footer_names_the_organisation_contact_about_and_privacy(client, settings):
    settings.PORTAL_ORGANISATION = "Coastal Cities Programme"
    settings.PORTAL_CONTACT_EMAIL = "programme@example.org"

    page = client.get(reverse("procurement:challenge_list")).content.decode()

    footer = page[page.index("<footer") :]
    assert "run by Coastal Cities Programme" in footer
    assert 'href="mailto:programme@example.org"' in footer
    assert f'href="{reverse("about")}"' in footer
    assert f'href="{reverse("privacy")}"' in footer


def test_privacy_notice_says_what_is_kept_about_officials_smes_and_subscribers(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "programme@example.org"

    page = client.get(reverse("privacy")).content.decode()

    for heading in ["City officials", "SME owners and members", "Newsletter subscribers"]:
        assert f">{heading}</h2>" in page
    for promise in ["Why:", "How long", "Having it removed", "programme@example.org"]:
        assert promise in page


def test_about_page_explains_the_programme_and_how_to_write_to_it(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "programme@example.org"

    page = client.get(reverse("about")).content.decode()

    assert "challenge-based procurement" in page
    assert "mailto:programme@example.org" in page


def test_sign_up_links_to_the_privacy_notice(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert re.search(r'data-testid="privacy-link">.*href="/privacy/"', page)


def test_sme_registration_links_to_the_privacy_notice(signed_in):
    page = signed_in.get(reverse("smes:register")).content.decode()

    assert re.search(r'data-testid="privacy-link">.*href="/privacy/"', page)


def test_every_page_shows_the_favicon_and_the_old_address_leads_to_it(client):
    page = client.get(reverse("home")).content.decode()
    icon = client.get("/favicon.ico")

    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', page)
    assert icon.status_code == 301
    assert icon["Location"].endswith("favicon.svg")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").exists()


def test_time_stamps_carry_no_fraction_of_a_second(client):
    close = (timezone.now() + timedelta(days=29)).replace(microsecond=123456)
    ChallengeFactory(status=Challenge.Status.PUBLISHED, submissions_close=close)

    page = client.get(reverse("procurement:challenge_list")).content.decode()

    stamps = re.findall(r'<time datetime="([^"]+)"', page)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:?\d\d)", stamp), stamp


def test_no_template_writes_a_bare_htmx_attribute():
    # htmx reads data-hx-*, and only that form is valid HTML.
    bare = re.compile(
        r"(?<![\w.-])hx-(?:get|post|put|patch|delete|target|swap|trigger|push-url|"
        r"select|include|indicator|vals|confirm|boost|sync|on)\b"
    )
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group()}"
        for path in TEMPLATES.rglob("*.html")
        for match in bare.finditer(path.read_text())
    ]
    assert not offenders, offenders


def test_hidden_initial_values_of_an_application_carry_no_description():
    application = CityApplicationFactory()

    form_html = str(ApplicationForm(instance=application))

    hidden = re.findall(r'<input type="hidden" name="initial-[^>]*>', form_html)
    assert hidden
    assert not [tag for tag in hidden if "aria-describedby" in tag]
    assert 'aria-describedby="id_motivation_helptext"' in form_html  # the visible field keeps it
