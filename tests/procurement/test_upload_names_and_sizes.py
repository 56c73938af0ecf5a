"""The upload check speaks plainly about sizes and names, and stored names cannot deceive."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from resilience_portal import uploads
from tests.factories import PDF_BYTES

LIMIT = 5 * 1024 * 1024


def test_an_oversize_file_is_told_both_sizes_to_the_byte():
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES + b"\x00" * (LIMIT + 1 - len(PDF_BYTES)))
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload, max_bytes=LIMIT)
    message = refused.value.messages[0]
    assert "5,242,881 bytes" in message
    assert "5,242,880 bytes" in message
    assert "5.0\xa0MB" in message


def test_a_file_of_exactly_the_limit_is_accepted():
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES + b"\x00" * (LIMIT - len(PDF_BYTES)))
    assert uploads.check_upload(upload, max_bytes=LIMIT).size == LIMIT


def test_two_dots_inside_a_name_are_accepted_and_kept():
    checked = uploads.check_upload(SimpleUploadedFile("report..final.pdf", PDF_BYTES))
    assert checked.safe_name == "report..final.pdf"


@pytest.mark.parametrize("name", ["a\\b.pdf", "c:report.pdf", ".hidden.pdf", "tab\t.pdf"])
def test_path_separators_and_hidden_names_are_still_refused(name):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(SimpleUploadedFile(name, PDF_BYTES))
    assert refused.value.code == "unsafe_name"


BIDI_CONTROLS = [
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_bidirectional_controls_are_stripped_from_the_stored_display_name(control):
    checked = uploads.check_upload(SimpleUploadedFile(f"invoice{control}fdp.pdf", PDF_BYTES))
    assert checked.safe_name == "invoicefdp.pdf"


def test_a_right_to_left_name_keeps_its_letters():
    checked = uploads.check_upload(SimpleUploadedFile("\u202eتقرير.pdf", PDF_BYTES))
    assert checked.safe_name == "تقرير.pdf"
