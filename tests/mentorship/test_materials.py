"""Session materials: files checked by their content, shown to registered people and those
who run the session; anyone else gets 404."""

import pytest
from django.urls import reverse

from mentorship.models import SessionMaterial
from resilience_portal.scanning import ScanStatus, rescan_held
from tests.factories import (
    LearningSessionFactory,
    RegistrationFactory,
    an_official,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return LearningSessionFactory()


def _upload(client, session, **data):
    return client.post(reverse("mentorship:add_material", args=[session.pk]), data)


def test_staff_add_a_pdf_that_registered_people_download(client, staff, session):
    client.force_login(staff)
    _upload(client, session, title="Slides", file=pdf_upload("slides.pdf"))
    material = SessionMaterial.objects.get()
    registered = RegistrationFactory(session=session, user=an_official()).user
    client.force_login(registered)

    response = client.get(material.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_material_is_404_for_someone_not_registered(client, staff, session):
    client.force_login(staff)
    _upload(client, session, title="Slides", file=pdf_upload("slides.pdf"))
    material = SessionMaterial.objects.get()
    client.force_login(an_official())

    assert client.get(material.get_absolute_url()).status_code == 404


def test_a_file_that_is_not_what_it_claims_is_a_form_error(client, staff, session):
    client.force_login(staff)

    response = _upload(
        client, session, title="Slides", file=pdf_upload("slides.pdf", content=b"MZ\x90 not a pdf")
    )

    assert response.status_code == 400
    assert "not one of these kinds" in response.content.decode()
    assert not SessionMaterial.objects.exists()


def test_a_link_is_enough_but_nothing_at_all_is_refused(client, staff, session):
    client.force_login(staff)

    _upload(client, session, title="Reading")
    _upload(client, session, title="Reading", link="https://example.org/guide")

    assert list(SessionMaterial.objects.values_list("link", flat=True)) == [
        "https://example.org/guide"
    ]


def test_a_participant_cannot_add_materials(client, session):
    person = RegistrationFactory(session=session, user=an_official()).user
    client.force_login(person)

    assert _upload(client, session, title="Spam", link="https://example.org").status_code == 404


def test_with_the_scanner_down_a_file_is_held_for_its_uploader_until_the_rescan_releases_it(
    client, settings, staff, session, clamd_down, clamd_socket
):
    client.force_login(staff)
    _upload(client, session, title="Slides", file=pdf_upload("slides.pdf"))
    material = SessionMaterial.objects.get()
    registered = RegistrationFactory(session=session, user=an_official()).user

    assert material.scan_status == ScanStatus.AWAITING
    assert client.get(material.get_absolute_url()).status_code == 200
    client.force_login(registered)
    assert client.get(material.get_absolute_url()).status_code == 404

    settings.CLAMD_SOCKET = clamd_socket
    assert rescan_held() >= 1
    assert client.get(material.get_absolute_url()).status_code == 200
