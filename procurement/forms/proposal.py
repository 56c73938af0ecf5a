"""Forms SMEs fill in for proposals, and the upload form for proposal and challenge documents.

Every file goes through the portal's one upload check (``resilience_portal.uploads``): type by
content, size, safe name. The form adds the SHA-256 a receipt or an audit entry records.
"""

import hashlib

from django import forms
from django.utils.translation import gettext_lazy as _

from resilience_portal.uploads import DOCUMENT_KINDS, UploadField
from resilience_portal.widgets import AmountInput

from ..models import Proposal
from ..models.proposal import ANSWER_FIELDS

# Proposals carry plans and drawings: twice the registry's default for letters and certificates.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = UploadField(label=_("File"), kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        checked = upload.checked
        self.content_type = checked.kind.content_type
        # Only the visible label comes from the uploader, made safe; storage paths never do.
        self.display_name = checked.safe_name
        self.scan_status = checked.scan_status
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        self.sha256 = digest.hexdigest()
        return upload


class ProposalForm(forms.ModelForm):
    price = forms.DecimalField(
        label=_("Price"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=AmountInput(),
        help_text=_("The total you would charge the city, in the currency below."),
    )

    class Meta:
        model = Proposal
        fields = [*ANSWER_FIELDS, "price", "currency"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ANSWER_FIELDS}
