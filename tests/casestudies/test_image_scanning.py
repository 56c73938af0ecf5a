"""Case-study pictures go through the virus scanner like every upload: an infected one is
refused and audited, one that arrived while the scanner was down is not shown until clean."""

import pytest
from django.urls import reverse

from casestudies import pdf
from casestudies.models import CaseStudy, CaseStudyImage
from resilience_portal.audit import trail
from resilience_portal.scanning import ScanStatus
from tests.conftest import EICAR
from tests.factories import CityFactory, CohortFactory, PublishedCaseStudyFactory, png_bytes

pytestmark = pytest.mark.django_db


def picture(content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("picture.png", content or png_bytes(), content_type="image/png")


def form_data(**overrides):
    return {
        "title": "A story with a picture",
        "city": CityFactory().pk,
        "cohort": CohortFactory().pk,
        "language": "en",
        "summary": "Summary.",
        "body": "Body.",
        "hero_alt": "The market",
        "hero_credit": "",
        "key_figures": "",
        **overrides,
    }


def test_an_infected_hero_image_is_refused(client, writer, clamd):
    client.force_login(writer)
    response = client.post(
        reverse("casestudies:create"), form_data(hero_upload=picture(png_bytes() + EICAR))
    )
    assert response.status_code == 200
    assert "virus" in response.text
    assert not CaseStudy.objects.exists()


def test_a_clean_hero_image_is_shown(client, writer, clamd):
    client.force_login(writer)
    client.post(reverse("casestudies:create"), form_data(hero_upload=picture()))
    case_study = CaseStudy.objects.get()
    assert case_study.hero_scan_status == ScanStatus.CLEAN
    assert case_study.hero_image.url in client.get(case_study.get_absolute_url()).text


def test_a_hero_image_held_while_the_scanner_is_down_is_shown_nowhere(client, writer, clamd_down):
    client.force_login(writer)
    client.post(reverse("casestudies:create"), form_data(hero_upload=picture()))
    case_study = CaseStudy.objects.get()
    assert case_study.hero_scan_status == ScanStatus.AWAITING
    assert case_study.hero_image.url not in client.get(case_study.get_absolute_url()).text
    assert case_study.hero_image.url not in pdf.print_html(case_study, "en")


def test_an_infected_body_picture_is_refused_and_audited(client, writer, clamd):
    case_study = PublishedCaseStudyFactory(authors=[writer])
    client.force_login(writer)
    client.post(
        reverse("casestudies:image_upload", args=[case_study.slug]),
        {"upload": picture(png_bytes() + EICAR), "alt": "Bad"},
    )
    assert not case_study.images.exists()
    assert "upload.infected" in [entry.action for entry in trail(case_study)]


def test_a_body_picture_held_while_the_scanner_is_down_is_left_out(client, writer, clamd_down):
    case_study = PublishedCaseStudyFactory(authors=[writer])
    client.force_login(writer)
    client.post(
        reverse("casestudies:image_upload", args=[case_study.slug]),
        {"upload": picture(), "alt": "Held"},
    )
    image = CaseStudyImage.objects.get()
    assert image.scan_status == ScanStatus.AWAITING
    case_study.body = f"Text.\n\n{image.markdown()}"
    case_study.save()
    client.logout()
    assert image.image.url not in client.get(case_study.get_absolute_url()).text
    assert image.image.url not in pdf.print_html(case_study, "en")
