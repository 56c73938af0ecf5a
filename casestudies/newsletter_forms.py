"""Forms of the newsletter: subscribing, managing a subscription, composing and sending."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import TOPIC_CHOICES, CaseStudy, NewsletterIssue, NewsletterIssueTranslation

# The words a subscriber agrees to; the text as shown (in their language) is kept with
# the time, so the consent record says exactly what was agreed.
CONSENT_TEXT = _(
    "I would like to receive the Resilience Portal newsletter by e-mail, about once a month. "
    "My e-mail address, name and language are used only to send it, and I can unsubscribe "
    "in one click at any time."
)


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)
    topics = forms.MultipleChoiceField(
        label=_("Topics you are most interested in"),
        choices=TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)

    def consent_text(self):
        """The consent sentence in the language the form was shown in."""
        return gettext(CONSENT_TEXT)


class PreferencesForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=settings.LANGUAGES)
    topics = forms.MultipleChoiceField(
        label=_("Topics you are most interested in"),
        choices=TOPIC_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class IssueForm(forms.ModelForm):
    featured = forms.ModelMultipleChoiceField(
        label=_("Featured case studies"),
        # Only published case studies can be featured: drafts are nobody's to read yet.
        queryset=CaseStudy.objects.listed().select_related("city").order_by("-published_at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NewsletterIssue
        fields = ["subject", "introduction", "featured"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"introduction": _("Markdown: **bold**, *italic*, lists and links.")}


class IssueTranslationForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssueTranslation
        fields = ["subject", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 10})}


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=_("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_when(self):
        when = self.cleaned_data["when"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future, or send it now."))
        return when


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("As a reader of"), choices=settings.LANGUAGES)


class BounceListForm(forms.Form):
    addresses = forms.CharField(
        label=_("Bounced addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Paste the addresses the mail server reported, one a line or separated by commas."
        ),
        max_length=200_000,
    )
