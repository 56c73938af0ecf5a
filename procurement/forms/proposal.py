"""Forms SMEs fill in for proposals, and the content check every upload goes through."""

import hashlib
import io
import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Proposal
from ..models.proposal import ANSWER_FIELDS

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


def sniff_content_type(head, upload):
    """The file's real type from its first bytes; None when it is not one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError):
            return None
        for marker, content_type in OFFICE_TYPES.items():
            if marker in types:
                return content_type
    return None


def check_upload(upload):
    """Refuse files that are too big or not what they claim; return (content type, SHA-256)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Files can be at most 10 MB."))
    upload.seek(0)
    head = upload.read(8)
    content_type = sniff_content_type(head, upload)
    if content_type is None:
        raise ValidationError(_("Upload a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file."))
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX, PNG or JPEG, up to 10 MB. The type is checked by content."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type, self.sha256 = check_upload(upload)
        # Only the visible label comes from the uploader; storage paths never do.
        self.display_name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
        return upload


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [*ANSWER_FIELDS, "price", "currency"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ANSWER_FIELDS}
