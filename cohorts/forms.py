"""Forms of the cohorts app: cohorts and criteria, cities, applications, reviews, decisions."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from resilience_portal.forms import EmailAddressField
from resilience_portal.text import NameField
from resilience_portal.uploads import CERTIFICATE_KINDS, PDF_KINDS, UploadField, check_upload
from resilience_portal.widgets import DateTimeLocalInput, HiddenInitialInput

from .models import (
    LETTER_MAX_BYTES,
    MAX_SCORE,
    City,
    CityApplication,
    CityMembership,
    Cohort,
    SelectionCriterion,
)

# Said on the field, in words, before the database's constraint (or SQLite, which checks
# no integer range at all) would be the one to refuse.
COHORT_BOUNDS = {"year": (2000, 2100), "max_cities": (1, 50)}


def within(field, low, high):
    """Bound an integer form field to ``low``..``high``, in the browser and on the server."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "slug",
            "region",
            "year",
            "max_cities",
            "applications_open",
            "applications_close",
            "description",
        ]
        field_classes = {"name": NameField}
        widgets = {
            "applications_open": DateTimeLocalInput(),
            "applications_close": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "applications_open": _("In your time zone; stored in UTC."),
            "applications_close": _("Submissions are refused from this moment on."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in COHORT_BOUNDS.items():
            within(self.fields[name], low, high)
        if self.instance.pk and self.instance.status != Cohort.Status.DRAFT:
            # Once announced, the address is in e-mails and bookmarks: it stays as it is.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Fixed once the cohort is announced.")

    def clean_max_cities(self):
        maximum = self.cleaned_data["max_cities"]
        if self.instance.pk:
            # The cap holds for decisions already recorded and cities already in the cohort.
            selected = max(
                self.instance.cities.count(),
                self.instance.applications.filter(
                    decision=CityApplication.Decision.SELECTED
                ).count(),
            )
            if maximum < selected:
                raise forms.ValidationError(
                    _("%(count)d cities are already selected; the maximum cannot be lower.")
                    % {"count": selected}
                )
        return maximum

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("applications_open"), cleaned.get("applications_close")
        if opens and closes and closes <= opens:
            self.add_error("applications_close", _("The window must close after it opens."))
        return cleaned


# What most programme rounds weigh; staff can change any of it.
SUGGESTED_CRITERIA = [
    {"name": _("Resilience need"), "weight": 30, "order": 0},
    {"name": _("Procurement readiness"), "weight": 25, "order": 1},
    {"name": _("SME ecosystem"), "weight": 20, "order": 2},
    {"name": _("Leadership commitment"), "weight": 25, "order": 3},
]


class CriterionForm(forms.ModelForm):
    # The database refuses other weights too; this says so in words instead of a constraint name.
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=25)

    class Meta:
        model = SelectionCriterion
        fields = ["name", "description", "weight", "order"]
        field_classes = {"name": NameField}


CriterionFormSet = inlineformset_factory(
    Cohort,
    SelectionCriterion,
    form=CriterionForm,
    extra=1,
    can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)


class SuggestedCriterionForm(CriterionForm):
    """A pre-filled criterion counts when it has a name, even if staff left it as suggested."""

    def has_changed(self):
        return bool(self.data.get(self.add_prefix("name"), "").strip())


NewCohortCriterionFormSet = inlineformset_factory(
    Cohort,
    SelectionCriterion,
    form=SuggestedCriterionForm,
    extra=len(SUGGESTED_CRITERIA),
    can_delete=False,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        fields = [
            "name",
            "country",
            "province",
            "population",
            "time_zone",
            "languages",
            "resilience_priorities",
        ]
        field_classes = {"name": NameField}
        widgets = {"resilience_priorities": forms.Textarea(attrs={"rows": 3})}

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(_("Use the two-letter ISO code, e.g. TH or ID."))
        return country


class CityTeamRequestForm(CityForm):
    """Registering or claiming a city: its profile, and who is asking, with the evidence."""

    position = forms.CharField(
        label=_("Your position"),
        max_length=200,
        help_text=_("Your job title in the city government, e.g. Chief Resilience Officer."),
    )
    letter = UploadField(
        label=_("Letter of appointment (optional)"),
        kinds=CERTIFICATE_KINDS,
        required=False,
    )
    staff_contact = forms.CharField(
        label=_("Programme staff contact (optional)"),
        max_length=200,
        required=False,
        help_text=_("Someone on the programme team who knows you in your role."),
    )

    EVIDENCE_FIELDS = ("position", "letter", "staff_contact")

    def profile(self):
        """The city's fields, without its name and without the evidence."""
        skip = {"name", *self.EVIDENCE_FIELDS}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class OfficialDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (told to the person when rejecting)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the person a reason, so they know what to send."))
        return cleaned


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = CityApplication
        fields = [field for field, _label in CityApplication.SECTIONS] + ["leadership_letter"]
        widgets = {
            field: forms.Textarea(attrs={"rows": 5}) for field, _label in CityApplication.SECTIONS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _label in CityApplication.SECTIONS:
            # The page carries what it loaded, so "changed" means changed by this person,
            # and a colleague's answers saved meanwhile in other sections are kept.
            self.fields[field].show_hidden_initial = True
            self.fields[field].hidden_widget = HiddenInitialInput
        letter = self.fields["leadership_letter"]
        letter.widget = forms.FileInput(attrs={"accept": "application/pdf"})
        letter.help_text = _(
            "A signed letter from the mayor or city manager, PDF, at most %(size)s."
        ) % {"size": filesizeformat(LETTER_MAX_BYTES)}

    def clean_leadership_letter(self):
        letter = self.cleaned_data.get("leadership_letter")
        if not letter or letter == self.initial.get("leadership_letter"):
            return letter
        # The portal's one upload check: content, size, name, then the virus scanner.
        checked = check_upload(letter, kinds=PDF_KINDS, max_bytes=LETTER_MAX_BYTES)
        self.instance.leadership_letter_scan_status = checked.scan_status
        return letter


class InvitationForm(forms.Form):
    email = EmailAddressField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=CityMembership.Role.choices, initial=CityMembership.Role.MEMBER
    )


class ReviewForm(forms.Form):
    """One score (0-5) and one comment per criterion of the cohort."""

    SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(MAX_SCORE + 1)]

    def __init__(self, *args, criteria, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {s.criterion_id: s for s in review.scores.all()} if review.pk else {}
        for criterion in self.criteria:
            current = existing.get(criterion.id)
            self.fields[f"score_{criterion.id}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)d): score 0-5")
                % {"criterion": criterion.name, "weight": criterion.weight},
                choices=self.SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.score if current else None,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.id}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=current.comment if current else "",
            )

    def scores(self):
        return {
            c.id: (self.cleaned_data[f"score_{c.id}"], self.cleaned_data[f"comment_{c.id}"])
            for c in self.criteria
        }


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Nature of the conflict"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=CityApplication.Decision.choices)
    note = forms.CharField(
        label=_("Note to the city"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class StartApplicationForm(forms.Form):
    city = forms.ModelChoiceField(label=_("Apply on behalf of"), queryset=City.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.represented_by(user)
