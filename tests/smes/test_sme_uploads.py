"""Uploaded files are checked by content, size and name; a refusal keeps the rest of the form."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resilience_portal import uploads
from smes.models import SME
from tests.factories import PDF_BYTES, PNG_BYTES, CityFactory, pdf_upload
from tests.smes.test_sme_registration import registration

URL = reverse("smes:register")


def office_file(member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<xml/>")
    return buffer.getvalue()


def test_pdf_png_jpeg_docx_and_xlsx_are_recognised_by_content():
    for content, kind in [
        (PDF_BYTES, uploads.PDF),
        (PNG_BYTES, uploads.PNG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, uploads.JPEG),
        (office_file("word/document.xml"), uploads.DOCX),
        (office_file("xl/workbook.xml"), uploads.XLSX),
    ]:
        checked = uploads.check_upload(SimpleUploadedFile("file.bin", content))
        assert checked.kind is kind
        assert checked.safe_name == f"file.{kind.extension}"


def test_a_field_accepts_only_its_kinds():
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(
            SimpleUploadedFile("letter.docx", office_file("word/document.xml")),
            kinds=uploads.CERTIFICATE_KINDS,
        )
    assert error.value.code == "wrong_type"


def test_a_zip_that_is_not_an_office_file_is_refused():
    with pytest.raises(ValidationError):
        uploads.check_upload(SimpleUploadedFile("sheet.xlsx", office_file("evil.exe")))


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 an executable"), "wrong_type"),
        (SimpleUploadedFile("certificate.pdf", b"<html><script>"), "wrong_type"),
        (pdf_upload(content=PDF_BYTES + b"\x00" * 2000), "too_large"),
        (SimpleUploadedFile("certificate.pdf", b""), "empty"),
        (SimpleUploadedFile("..\\..\\certificate.pdf", PDF_BYTES), "unsafe_name"),
        (SimpleUploadedFile("C:certificate.pdf", PDF_BYTES), "unsafe_name"),
        (SimpleUploadedFile(".htaccess", PDF_BYTES), "unsafe_name"),
    ],
)
def test_bad_files_are_refused_with_a_reason(upload, code):
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(upload, max_bytes=1000)
    assert error.value.code == code


def test_safe_name_never_carries_path_or_odd_characters():
    assert uploads.safe_file_name("Surat Izin Usaha (2024) ✓.PDF", uploads.PDF) == (
        "Surat-Izin-Usaha-2024.pdf"
    )


def test_safe_name_keeps_thai_and_vietnamese_names_readable():
    assert uploads.safe_file_name("ใบอนุญาต ประกอบธุรกิจ.pdf", uploads.PDF) == (
        "ใบอนุญาต-ประกอบธุรกิจ.pdf"
    )
    assert uploads.safe_file_name("Giấy phép kinh doanh.pdf", uploads.PDF) == (
        "Giấy-phép-kinh-doanh.pdf"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("certificate.pdf", b"MZ\x90\x00 not a pdf"),
            "not one of these kinds: PDF, PNG, JPEG",
        ),
        (SimpleUploadedFile("certificate.pdf", b""), "empty"),
        (pdf_upload(content=PDF_BYTES + b"\x00" * (6 * 1024 * 1024)), "at most 5.0"),
    ],
)
def test_registration_with_a_bad_file_is_refused_and_keeps_everything_else(
    signed_in, upload, message
):
    city = CityFactory(slug="semarang", country="ID")
    response = signed_in.post(URL, registration(city, registration_certificate=upload))
    assert response.status_code == 200
    assert not SME.objects.exists()
    form = response.context["form"]
    assert message in " ".join(form.errors["registration_certificate"])
    assert list(form.errors) == ["registration_certificate"]
    page = response.content.decode()
    assert 'value="PT Banjir Cerdas"' in page
    assert "River level sensors with SMS alerts." in page
