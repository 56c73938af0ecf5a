"""Documents are stored privately and only the SME's members and staff can download them."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from smes.models import SMEDocument
from tests.factories import (
    PDF_BYTES,
    CityMembershipFactory,
    CompleteSMEFactory,
    SMEMembershipFactory,
    StaffFactory,
    UserFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return SMEDocument.objects.get(sme=CompleteSMEFactory())


def download(client, document):
    return client.get(document.get_absolute_url())


def test_member_downloads_a_document_as_an_attachment(client, document):
    member = SMEMembershipFactory(sme=document.sme, role="member").user
    client.force_login(member)
    response = download(client, document)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_staff_download_documents(client, document):
    client.force_login(StaffFactory())
    assert download(client, document).status_code == 200


@pytest.mark.parametrize("who", ["other_sme_member", "city_official", "no_role"])
def test_anyone_else_signed_in_gets_a_404(client, document, who):
    user = {
        "other_sme_member": lambda: SMEMembershipFactory().user,
        "city_official": lambda: CityMembershipFactory().user,
        "no_role": UserFactory,
    }[who]()
    client.force_login(user)
    assert download(client, document).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, document):
    response = download(client, document)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_files_are_stored_outside_the_public_media_folder_under_a_random_name(document):
    path = Path(document.file.path)
    assert path.is_relative_to(django_settings.PRIVATE_MEDIA_ROOT)
    assert not path.is_relative_to(django_settings.MEDIA_ROOT)
    assert path.name != "certificate.pdf"
    assert document.file.storage.base_url is None


def test_member_uploads_and_removes_a_document(client):
    owner = SMEMembershipFactory()
    client.force_login(owner.user)
    url = reverse("smes:documents", kwargs={"slug": owner.sme.slug})
    response = client.post(url, {"kind": "other", "file": pdf_upload("Annual report.pdf")})
    assert response.status_code == 302
    document = owner.sme.documents.get()
    assert document.original_name == "Annual-report.pdf"
    response = client.post(
        reverse("smes:document_delete", kwargs={"slug": owner.sme.slug, "pk": document.pk})
    )
    assert response.status_code == 302
    assert not owner.sme.documents.exists()


def test_non_member_cannot_upload_or_remove(client, document):
    client.force_login(SMEMembershipFactory().user)
    slug = document.sme.slug
    upload = client.post(
        reverse("smes:documents", kwargs={"slug": slug}),
        {"kind": "other", "file": pdf_upload()},
    )
    remove = client.post(reverse("smes:document_delete", kwargs={"slug": slug, "pk": document.pk}))
    assert (upload.status_code, remove.status_code) == (404, 404)
    assert SMEDocument.objects.count() == 1


def test_registration_certificate_must_be_a_pdf_or_an_image(client):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    owner = SMEMembershipFactory()
    client.force_login(owner.user)
    response = client.post(
        reverse("smes:documents", kwargs={"slug": owner.sme.slug}),
        {"kind": "registration", "file": SimpleUploadedFile("c.docx", buffer.getvalue())},
    )
    assert response.status_code == 200
    assert "must be a PDF or an image" in response.content.decode()
