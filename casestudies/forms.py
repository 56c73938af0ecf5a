"""Forms for writing, translating, reviewing and finding case studies."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, Cohort
from procurement.models import Challenge, CoBenefit, Pilot
from resilience_portal.uploads import JPEG, PNG, UploadField

from .models import CaseStudy, CaseStudyImage, CaseStudyTranslation

IMAGE_KINDS = (PNG, JPEG)
IMAGE_MAX_BYTES = 5 * 1024 * 1024


class KeyFiguresField(forms.CharField):
    """One figure a line, ``value | what it measures``: simple to type on a phone."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{f.get('value', '')} | {f.get('label', '')}" for f in value)
        return value

    def to_python(self, value):
        figures = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            if "|" not in line:
                raise forms.ValidationError(
                    _("Line %(number)s: write the figure, a bar, then what it measures."),
                    params={"number": number},
                )
            figure, label = (part.strip() for part in line.split("|", 1))
            if not figure or not label:
                raise forms.ValidationError(
                    _("Line %(number)s: both the figure and what it measures are needed."),
                    params={"number": number},
                )
            figures.append({"value": figure[:40], "label": label[:200]})
        return figures


class CaseStudyForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=CoBenefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    key_figures = KeyFiguresField(
        label=_("Key figures"),
        required=False,
        help_text=_("One a line: the figure, a bar, what it measures. E.g. 1,200 | households."),
    )
    hero_upload = UploadField(
        label=_("Hero image"), kinds=IMAGE_KINDS, max_bytes=IMAGE_MAX_BYTES, required=False
    )
    related_challenges = forms.ModelMultipleChoiceField(
        label=_("Related challenges"),
        queryset=Challenge.objects.public().select_related("city").order_by("city__name", "title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    related_pilots = forms.ModelMultipleChoiceField(
        label=_("Related pilots"),
        queryset=Pilot.objects.filter(challenge__in=Challenge.objects.public())
        .select_related("challenge__city", "sme")
        .order_by("challenge__city__name", "challenge__title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Their KPIs (baseline, target, latest reading) appear as live figures and charts."
        ),
    )

    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "city",
            "cohort",
            "language",
            "summary",
            "body",
            "hero_alt",
            "hero_credit",
            "themes",
            "key_figures",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }
        help_texts = {
            "body": _(
                "Markdown: ## for a section heading, **bold**, lists, tables. Upload pictures "
                "below the form and paste their Markdown line here."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.order_by("name")
        self.fields["cohort"].queryset = Cohort.objects.order_by("-year", "name")
        order = ["title", "city", "cohort", "language", "summary", "body", "hero_upload"]
        self.order_fields(order)
        if self.instance.pk:
            self.fields["related_challenges"].initial = self.instance.related_challenges.all()
            self.fields["related_pilots"].initial = self.instance.related_pilots.all()

    def clean(self):
        data = super().clean()
        language = data.get("language")
        if self.instance.pk and self.instance.translations.filter(language=language).exists():
            self.add_error(
                "language",
                _("It has a translation into this language: choose another, or edit that one."),
            )
        has_image = data.get("hero_upload") or (self.instance.pk and self.instance.hero_image)
        if has_image and not (data.get("hero_alt") or "").strip():
            self.add_error("hero_alt", _("Describe the hero image for people who cannot see it."))
        return data

    def content(self):
        """The cleaned content, as the services take it."""
        data = self.cleaned_data
        return {field: data[field] for field in self.Meta.fields}


class TranslationForm(forms.ModelForm):
    class Meta:
        model = CaseStudyTranslation
        fields = ["title", "summary", "body", "hero_alt"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }


class ImageForm(forms.ModelForm):
    upload = UploadField(label=_("Picture"), kinds=IMAGE_KINDS, max_bytes=IMAGE_MAX_BYTES)

    class Meta:
        model = CaseStudyImage
        fields = ["upload", "alt", "credit"]


class ReviewForm(forms.Form):
    comments = forms.CharField(
        label=_("Review comments"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when you send it back: say what should change."),
    )


class CaseStudyFilterForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.filter(case_studies__status=CaseStudy.Status.PUBLISHED)
        .distinct()
        .order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any"),
    )
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("Any")), *CoBenefit.choices], required=False
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.filter(case_studies__status=CaseStudy.Status.PUBLISHED)
        .distinct()
        .order_by("-year", "name"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any"),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *settings.LANGUAGES], required=False
    )

    def filter(self, case_studies):
        if not self.is_valid():
            return case_studies
        data = self.cleaned_data
        if data["city"]:
            case_studies = case_studies.filter(city=data["city"])
        if data["cohort"]:
            case_studies = case_studies.filter(cohort=data["cohort"])
        if data["theme"]:
            # Portable across PostgreSQL and the SQLite of `make run`, like the challenge filter.
            case_studies = case_studies.filter(themes__icontains=f'"{data["theme"]}"')
        if data["language"]:
            case_studies = case_studies.in_language(data["language"])
        return case_studies
