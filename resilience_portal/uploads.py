"""Checks every uploaded file by its content, size and name before anything stores it.

Browsers and file names lie: the type is read from the first bytes (and, for Office
files, the ZIP's table of contents), the size is capped here because Django's upload
memory settings do not cap it, and the user's file name is never used for a path.
Each form field picks the kinds it accepts, e.g. ``UploadField(kinds=DOCUMENT_KINDS)``.
Last, the virus scanner reads the content (``resilience_portal.scanning``): an infected file
is refused here, and the verdict travels with the checked upload to the stored row.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from resilience_portal import scanning


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extension: str
    content_type: str


PDF = FileKind("pdf", "PDF", "pdf", "application/pdf")
PNG = FileKind("png", "PNG", "png", "image/png")
JPEG = FileKind("jpeg", "JPEG", "jpg", "image/jpeg")
DOCX = FileKind(
    "docx",
    "Word (DOCX)",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "xlsx",
    "Excel (XLSX)",
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
ALL_KINDS = (PDF, PNG, JPEG, DOCX, XLSX)
# A scanned certificate is a PDF or a photo of the paper.
CERTIFICATE_KINDS = (PDF, PNG, JPEG)
# A signed letter (a city's leadership commitment) is a PDF.
PDF_KINDS = (PDF,)
# Supporting documents may also be letters and spreadsheets.
DOCUMENT_KINDS = ALL_KINDS
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# Path separators, drive letters and control characters have no place in a file's name;
# refusing them (rather than silently stripping them) tells the person what went wrong.
# Two dots inside a name ("report..final.pdf") are harmless: no path is built from it.
_UNSAFE_NAME = re.compile(r"[/\\:\x00-\x1f\x7f]")
# Bidirectional controls let "invoice\u202efdp.exe" display as "invoiceexe.pdf": dropped.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)
_ZIP_MAGIC = b"PK\x03\x04"
_OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    safe_name: str
    size: int
    scan_status: str = scanning.ScanStatus.AWAITING


def detect_kind(upload, kinds):
    """The kind among ``kinds`` whose signature the file's content carries, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in kinds:
        if kind is PDF and head.startswith(b"%PDF-"):
            return kind
        if kind is PNG and head.startswith(b"\x89PNG\r\n\x1a\n"):
            return kind
        if kind is JPEG and head.startswith(b"\xff\xd8\xff"):
            return kind
        if (
            kind.code in _OFFICE_MARKERS
            and head.startswith(_ZIP_MAGIC)
            and _zip_contains(upload, _OFFICE_MARKERS[kind.code])
        ):
            return kind
    return None


def _zip_contains(upload, member):
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def safe_file_name(name, kind):
    """A name fit for a Content-Disposition header: letters and digits of any script (a Thai
    or Vietnamese name stays readable), dots and dashes; the extension of the checked kind."""
    name = name.translate(_BIDI_CONTROLS)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = "".join(
        char if unicodedata.category(char)[0] in "LMN" or char in "._-" else " "
        for char in unicodedata.normalize("NFC", stem)
    )
    stem = re.sub(r"\s+", "-", stem.strip()).strip("-._")[:80] or "document"
    return f"{stem}.{kind.extension}"


def check_upload(upload, *, kinds=ALL_KINDS, max_bytes=DEFAULT_MAX_BYTES):
    """Refuse an empty, oversize, badly named, wrongly typed or infected file; describe a
    good one, with the scanner's verdict (clean, or awaiting scan while the scanner is down)."""
    name = upload.name or ""
    if not name.strip() or _UNSAFE_NAME.search(name) or name.startswith("."):
        raise ValidationError(
            _(
                "The file name “%(name)s” contains characters that are not allowed in a "
                "file name (such as / \\ or :). Rename the file and choose it again."
            ),
            code="unsafe_name",
            params={"name": name},
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes:
        raise too_large(upload.size, max_bytes)
    kind = detect_kind(upload, kinds)
    if kind is None:
        raise ValidationError(
            _("The file's content is not one of these kinds: %(kinds)s. Its name does not count."),
            code="wrong_type",
            params={"kinds": ", ".join(str(k.label) for k in kinds)},
        )
    safe_name = safe_file_name(name, kind)
    return CheckedUpload(
        kind=kind,
        safe_name=safe_name,
        size=upload.size,
        scan_status=scan_upload(upload, safe_name=safe_name),
    )


def too_large(size, max_bytes):
    # Rounded sizes alone ("5.0 MB; at most 5.0 MB") hide the difference: bytes show it.
    return ValidationError(
        _(
            "The file is %(size)s (%(bytes)s bytes); files can be at most %(limit)s (%(limit_bytes)s bytes)."
        ),
        code="too_large",
        params={
            "size": filesizeformat(size),
            "bytes": number_format(size, force_grouping=True),
            "limit": filesizeformat(max_bytes),
            "limit_bytes": number_format(max_bytes, force_grouping=True),
        },
    )


def uploaded_message(message, stored):
    """The confirmation after an upload, saying so when the file waits for the virus scanner."""
    if scanning.scan_status(stored) != scanning.ScanStatus.AWAITING:
        return message
    return format_lazy(
        "{} {}", message, _("It is awaiting a virus scan; until then only you can open it.")
    )


def scan_upload(upload, *, safe_name):
    """The scanner's status for an upload, or a refusal if it is infected; the view records
    the refusal with ``scanning.audit_infected`` (the form knows no uploader)."""
    verdict = scanning.scan(upload)
    if verdict.status == scanning.ScanStatus.INFECTED:
        raise ValidationError(
            _(
                "The file “%(name)s” contains a virus or other malware (%(signature)s) and was "
                "not stored. Check your computer with up-to-date antivirus software."
            ),
            code="infected",
            params={"name": safe_name, "signature": verdict.signature},
        )
    return verdict.status


class UploadField(forms.FileField):
    """A file field that runs ``check_upload``; ``cleaned_data`` holds the file with
    ``.checked`` (a ``CheckedUpload``) attached."""

    def __init__(self, *, kinds=ALL_KINDS, max_bytes=DEFAULT_MAX_BYTES, **kwargs):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            format_lazy(
                _("{kinds}, at most {limit}."),
                kinds=", ".join(k.label for k in self.kinds),
                limit=lazy(filesizeformat, str)(max_bytes),
            ),
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ",".join(
            sorted({f".{k.extension}" for k in self.kinds} | {k.content_type for k in self.kinds})
        )
        return attrs

    def to_python(self, data):
        # Django's own checks (empty file, missing name) come first; ours speak plainer.
        if data in self.empty_values:
            return None
        upload = data
        upload.checked = check_upload(upload, kinds=self.kinds, max_bytes=self.max_bytes)
        return upload
