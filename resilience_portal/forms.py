"""Forms of the shared core."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]
        help_texts = {
            "language": _("The language of the portal's pages and of the e-mails it sends you."),
            "time_zone": _("Deadlines and session times are shown in this time zone."),
        }
