"""Forms for registering and keeping an SME profile, its documents and members, and the directory."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import City
from resilience_portal import public_pages
from resilience_portal.forms import EMPTY_CHOICE, EmailAddressField, ModelMultipleIdChoiceField
from resilience_portal.text import NameField
from resilience_portal.uploads import CERTIFICATE_KINDS, DOCUMENT_KINDS, UploadField

from .models import SME, Sector, SizeClass, SMEDocument, normalise_registration_number
from .sectors import SectorCode

COUNTRIES = [
    ("BD", _("Bangladesh")),
    ("KH", _("Cambodia")),
    ("CN", _("China")),
    ("FJ", _("Fiji")),
    ("IN", _("India")),
    ("ID", _("Indonesia")),
    ("JP", _("Japan")),
    ("LA", _("Laos")),
    ("MY", _("Malaysia")),
    ("MN", _("Mongolia")),
    ("MM", _("Myanmar")),
    ("NP", _("Nepal")),
    ("PK", _("Pakistan")),
    ("PG", _("Papua New Guinea")),
    ("PH", _("Philippines")),
    ("SG", _("Singapore")),
    ("KR", _("South Korea")),
    ("LK", _("Sri Lanka")),
    ("TH", _("Thailand")),
    ("TL", _("Timor-Leste")),
    ("VN", _("Viet Nam")),
]
COUNTRY_NAMES = dict(COUNTRIES)


class SectorChoiceField(ModelMultipleIdChoiceField):
    def label_from_instance(self, obj):
        return obj.get_code_display()


class SMEProfileForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), choices=[("", EMPTY_CHOICE), *COUNTRIES])
    sectors = SectorChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SME
        fields = [
            "legal_name",
            "trading_name",
            "registration_number",
            "country",
            "city",
            "sectors",
            "employees",
            "year_founded",
            "women_led",
            "youth_led",
            "capabilities",
            "pandemic_impact",
            "revenue_change",
            "website",
            "contact_email",
            "phone",
        ]
        field_classes = {"legal_name": NameField, "trading_name": NameField}
        widgets = {
            "capabilities": forms.Textarea(attrs={"rows": 4}),
            "pandemic_impact": forms.Textarea(attrs={"rows": 3}),
            "employees": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "year_founded": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "website": forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.order_by("name")
        self.fields["registration_number"].help_text = _(
            "As on the business registration certificate."
        )

    def clean_year_founded(self):
        from django.utils import timezone

        year = self.cleaned_data.get("year_founded")
        if year is not None and not 1800 <= year <= timezone.now().year:
            raise forms.ValidationError(_("Give the year the business was founded."))
        return year

    def clean(self):
        cleaned = super().clean()
        country, city = cleaned.get("country"), cleaned.get("city")
        if country and city and city.country.upper() != country:
            self.add_error("city", _("%(city)s is not in the country chosen.") % {"city": city})
        number = cleaned.get("registration_number")
        if country and number:
            existing = (
                SME.objects.filter(
                    country=country, registration_key=normalise_registration_number(number)
                )
                .exclude(pk=self.instance.pk)
                .first()
            )
            if existing is not None:
                self.add_error("registration_number", duplicate_message(existing))
        return cleaned


def duplicate_message(existing):
    return _(
        "%(name)s is already registered with this registration number in %(country)s. "
        "If you work there, do not register it again: ask one of its owners to invite "
        "you from the SME's Members page, and you will join it with your own sign-in."
    ) % {
        "name": existing.legal_name,
        "country": COUNTRY_NAMES.get(existing.country, existing.country),
    }


class SMERegistrationForm(SMEProfileForm):
    registration_certificate = UploadField(
        label=_("Business registration certificate"),
        kinds=CERTIFICATE_KINDS,
        required=False,
    )


class SMEDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=SMEDocument.Kind.choices)
    file = UploadField(label=_("File"), kinds=DOCUMENT_KINDS)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if (
            upload is not None
            and cleaned.get("kind") == SMEDocument.Kind.REGISTRATION_CERTIFICATE
            and upload.checked.kind not in CERTIFICATE_KINDS
        ):
            self.add_error("file", _("A registration certificate must be a PDF or an image."))
        return cleaned


class InvitationForm(forms.Form):
    email = EmailAddressField(label=_("Colleague's e-mail address"))


class VerificationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting; sent to the SME."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the SME a reason, so it knows what to fix."))
        return cleaned


def _all_cities():
    return list(City.objects.order_by("name").values_list("slug", "name", "pk"))


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    # Sectors are a fixed taxonomy; cities are listed once per content version
    # (public_pages.memoised) rather than counted and fetched on every search.
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any")), *sorted(SectorCode.CHOICES)], required=False
    )
    city = forms.ChoiceField(label=_("City"), required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Any")), *COUNTRIES], required=False
    )
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", _("Any")), *SizeClass.choices], required=False
    )
    women_led = forms.BooleanField(label=_("Women-led"), required=False)
    youth_led = forms.BooleanField(label=_("Youth-led"), required=False)
    verified = forms.BooleanField(label=_("Verified only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = public_pages.memoised("directory-cities", _all_cities)
        self.fields["city"].choices = [
            ("", _("Any")),
            *((slug, name) for slug, name, _pk in cities),
        ]
        self.city_ids = {slug: pk for slug, _name, pk in cities}

    def filter(self, queryset):
        """Apply the valid filters; an invalid one is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("sector"):
            queryset = queryset.in_sector(data["sector"])
        if data.get("city"):
            # The city's id as a constant, not looked up inside the query: the planner then
            # reads from the SMEs' own statistics how many that city has (a third of them in
            # Bangkok), where a looked-up id counts as an average city's share.
            queryset = queryset.filter(city_id=self.city_ids[data["city"]])
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("size"):
            queryset = queryset.filter(SizeClass.employees_filter(data["size"]))
        if data.get("women_led"):
            queryset = queryset.filter(women_led=True)
        if data.get("youth_led"):
            queryset = queryset.filter(youth_led=True)
        if data.get("verified"):
            queryset = queryset.filter(verification=SME.Verification.VERIFIED)
        return queryset
