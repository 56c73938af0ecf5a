"""An SME owner registers the business; a duplicate registration is refused with a way in."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from resilience_portal import audit
from smes.models import SME, Sector, SMEMembership
from tests.factories import CityFactory, SMEFactory, pdf_upload

pytestmark = pytest.mark.django_db
URL = reverse("smes:register")


@pytest.fixture
def city():
    return CityFactory(name="Semarang", slug="semarang", country="ID")


def registration(city, **overrides):
    data = {
        "legal_name": "PT Banjir Cerdas",
        "trading_name": "BanjirCerdas",
        "registration_number": "NIB 1234-5678",
        "country": "ID",
        "city": city.pk,
        "sectors": [Sector.objects.get(code="water").pk, Sector.objects.get(code="digital").pk],
        "employees": "18",
        "year_founded": "2017",
        "women_led": "on",
        "capabilities": "River level sensors with SMS alerts.",
        "pandemic_impact": "Orders stopped.",
        "revenue_change": "fell_25_50",
        "website": "https://banjircerdas.example.org",
    }
    data.update(overrides)
    return data


def test_signed_in_user_registers_an_sme_and_becomes_its_owner(signed_in, user, city):
    data = registration(city, registration_certificate=pdf_upload())
    response = signed_in.post(URL, data)
    sme = SME.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sme.get_absolute_url()
    assert sme.slug == "banjircerdas"
    assert sme.registration_key == "NIB12345678"
    assert sme.size_class == "small"
    assert sme.women_led and not sme.youth_led
    assert SMEMembership.objects.get(sme=sme).user == user
    assert SMEMembership.objects.get(sme=sme).role == SMEMembership.Role.OWNER
    assert sme.documents.get().original_name == "certificate.pdf"
    assert [entry.action for entry in audit.trail(sme)][-1] == "sme.registered"


def test_registration_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_registration_form_is_phone_friendly(signed_in):
    page = signed_in.get(URL).content.decode()
    assert 'inputmode="numeric"' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize(
    "typed", ["nib12345678", "  NIB 1234 5678 ", "nib-1234-5678", "NIB.12345678"]
)
def test_duplicate_registration_in_any_case_or_spacing_is_refused_with_how_to_join(
    signed_in, city, typed
):
    SMEFactory(
        legal_name="PT Banjir Cerdas", registration_number="NIB-12345678", country="ID", city=city
    )
    response = signed_in.post(
        URL, registration(city, registration_number=typed, legal_name="Other")
    )
    assert response.status_code == 200
    assert SME.objects.count() == 1
    message = response.context["form"].errors["registration_number"][0]
    assert "PT Banjir Cerdas is already registered" in message
    assert "invite" in message


def test_same_registration_number_in_another_country_is_a_different_sme(signed_in, city):
    bangkok = CityFactory(slug="bangkok", country="TH")
    SMEFactory(registration_number="NIB-12345678", country="TH", city=bangkok)
    response = signed_in.post(URL, registration(city))
    assert response.status_code == 302
    assert SME.objects.count() == 2


def test_database_refuses_a_duplicate_registration_number_whatever_the_form_does(city):
    SMEFactory(registration_number="AB 123", country="ID", city=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        SMEFactory(registration_number="ab-123", country="id", city=city)


def test_city_must_be_in_the_chosen_country(signed_in, city):
    response = signed_in.post(URL, registration(city, country="TH"))
    assert response.status_code == 200
    assert "city" in response.context["form"].errors
    assert not SME.objects.exists()


def test_size_class_thresholds():
    from smes.models import SizeClass

    assert [SizeClass.of(n) for n in (None, 0, 9, 10, 49, 50, 249, 250)] == [
        None,
        "micro",
        "micro",
        "small",
        "small",
        "medium",
        "medium",
        "large",
    ]


def test_an_sme_name_that_is_a_page_address_gets_another_slug(city):
    assert SMEFactory(legal_name="Register", slug="", city=city).slug == "register-sme"


def test_a_refused_form_lists_its_errors_at_the_top_and_asks_for_a_good_file_again(signed_in, city):
    data = registration(
        city, year_founded="3000", registration_certificate=pdf_upload("Izin Usaha.pdf")
    )
    page = signed_in.post(URL, data).content.decode()
    summary = page[page.index('role="alert"') : page.index("enctype=")]
    assert 'href="#div_id_year_founded"' in summary
    assert "Izin Usaha.pdf" in summary
    assert "choose it again" in summary
    assert not SME.objects.exists()


def test_the_error_summary_does_not_ask_again_for_a_refused_file(signed_in, city):
    data = registration(city, registration_certificate=pdf_upload(content=b"MZ exe"))
    page = signed_in.post(URL, data).content.decode()
    summary = page[page.index('role="alert"') : page.index("enctype=")]
    assert 'href="#div_id_registration_certificate"' in summary
    assert "choose it again" not in summary
