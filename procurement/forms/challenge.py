"""Forms officials and staff use on challenges: the draft, its criteria, reviews and amendments."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.forms import BaseInlineFormSet, formset_factory, inlineformset_factory
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, Cohort
from resilience_portal import public_pages
from resilience_portal.forms import ModelMultipleIdChoiceField
from resilience_portal.text import NameField
from resilience_portal.widgets import AmountInput, DateTimeLocalInput
from smes.models import SME, Sector
from smes.sectors import SectorCode

from ..models import Challenge, CoBenefit, Criterion
from ..models.challenge import PUBLIC_STATUSES
from ..plain_language import CHALLENGE_FIELDS

TIMELINE_FIELDS = ("questions_close", "submissions_close", "award_expected")


def in_city_zone(value, city):
    """Read the wall-clock time the official typed as a time in the city's zone."""
    wall = timezone.localtime(value).replace(tzinfo=None)
    return wall.replace(tzinfo=city.zone)


class ChallengeForm(forms.ModelForm):
    co_benefits = forms.MultipleChoiceField(
        label=_("Co-benefits"),
        choices=CoBenefit.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What else the city hopes a solution brings besides solving the problem."),
    )
    sectors = ModelMultipleIdChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("SMEs registered in these sectors are told by e-mail when it is published."),
    )

    class Meta:
        model = Challenge
        fields = [
            "city",
            "cohort",
            "title",
            "problem_statement",
            "desired_outcomes",
            "co_benefits",
            "sectors",
            "budget_min",
            "budget_max",
            "currency",
            "procurement_route",
            "eligibility",
            "eligibility_notes",
            *TIMELINE_FIELDS,
        ]
        field_classes = {"title": NameField}
        help_texts = {
            "title": _(
                "A short question or goal, e.g. 'Keep market traders trading during floods'."
            ),
            "problem_statement": _(
                "Describe the problem, not a solution: who suffers, where, how often, what has "
                "been tried. Markdown is allowed (**bold**, lists, links)."
            ),
            "desired_outcomes": _(
                "What will be different when it is solved, measurably: e.g. 'no market day lost "
                "to a one-in-ten-year flood'. SMEs propose how; you say what."
            ),
            "budget_min": _("A range tells SMEs the scale you expect without fixing a price."),
            "procurement_route": _("How the city can buy: a paid pilot suits new solutions best."),
            "eligibility": _("Who may submit a proposal."),
            "eligibility_notes": _(
                "Anything else bidders must meet, in plain words, e.g. 'Partnerships welcome; "
                "the lead must be a local SME.'"
            ),
            "questions_close": _("In the city's time zone. SMEs can ask questions until then."),
            "submissions_close": _(
                "In the city's time zone. The deadline: proposals stay sealed until then."
            ),
            "award_expected": _("In the city's time zone. When SMEs can expect the result."),
        }
        widgets = {
            "problem_statement": forms.Textarea(attrs={"rows": 8}),
            "desired_outcomes": forms.Textarea(attrs={"rows": 4}),
            "eligibility_notes": forms.Textarea(attrs={"rows": 2}),
            "budget_min": AmountInput(),
            "budget_max": AmountInput(),
            **{name: DateTimeLocalInput() for name in TIMELINE_FIELDS},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        advice_url = reverse("procurement:challenge_advice")
        for name in CHALLENGE_FIELDS:
            # Advice beside the field as the official types; it never stops a save.
            self.fields[name].widget.attrs.update(
                {
                    "data-hx-post": f"{advice_url}?field={name}",
                    "data-hx-trigger": "input changed delay:800ms",
                    "data-hx-target": f"#advice-{name}",
                    "data-hx-swap": "outerHTML",
                }
            )
        # Said in plain words here rather than as the database's budget constraint.
        for name in ("budget_min", "budget_max"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = "0"
        cities = City.objects.represented_by(user).filter(cohorts__isnull=False).distinct()
        self.fields["city"].queryset = cities
        self.fields["cohort"].queryset = Cohort.objects.filter(cities__in=cities).distinct()
        if self.instance.pk:
            for name in TIMELINE_FIELDS:
                self.initial[name] = timezone.localtime(
                    getattr(self.instance, name), self.instance.city.zone
                ).replace(tzinfo=None)
        elif cities.count() == 1:
            self.initial["city"] = cities.first()
            cohort = self.fields["cohort"].queryset.first()
            if cohort:
                self.initial["cohort"] = cohort

    def clean(self):
        cleaned = super().clean()
        city = cleaned.get("city")
        if city:
            for name in TIMELINE_FIELDS:
                if cleaned.get(name):
                    cleaned[name] = in_city_zone(cleaned[name], city)
            cohort = cleaned.get("cohort")
            if cohort and not cohort.cities.filter(pk=city.pk).exists():
                self.add_error("cohort", _("The city is not a selected city of this cohort."))
        for name in TIMELINE_FIELDS:
            setattr(self.instance, name, cleaned.get(name))
        submissions_close = cleaned.get("submissions_close")
        if submissions_close and submissions_close <= timezone.now():
            self.add_error("submissions_close", _("The deadline must be in the future."))
        return cleaned

    def save(self, commit=True):
        challenge = super().save(commit=False)
        if not challenge.slug:
            base = slugify(challenge.title)[:180] or "challenge"
            slug, number = base, 1
            while Challenge.objects.filter(slug=slug).exists():
                number += 1
                slug = f"{base}-{number}"
            challenge.slug = slug
        if commit:
            challenge.save()
            self.save_m2m()
        return challenge


class WeightsAddUp:
    """Criteria weights must add up to 100, checked before anything is saved."""

    def check_total(self, weights):
        total = sum(weights)
        if total != 100:
            raise ValidationError(
                _("The weights add up to %(total)s; they must add up to 100.") % {"total": total}
            )


class BaseCriterionFormSet(WeightsAddUp, BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        self.check_total(
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("weight")
        )


class CriterionModelForm(forms.ModelForm):
    # The database allows 1 to 100; the form says so before the constraint would.
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)

    class Meta:
        model = Criterion
        fields = ["name", "description", "weight"]
        field_classes = {"name": NameField}


CriterionFormSet = inlineformset_factory(
    Challenge,
    Criterion,
    form=CriterionModelForm,
    formset=BaseCriterionFormSet,
    fields=["name", "description", "weight"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    # Weights must reach 100 before a save, so a first draft needs room for several criteria:
    # four, as the form's own example has; more are added in place.
    extra=4,
    can_delete=True,
)


ROW_ACTIONS = {"add_criterion", "remove_criterion"}
CRITERION_FIELDS = ("id", "name", "description", "weight", "DELETE")


def criteria_rows_changed(data, prefix="criteria"):
    """The posted criteria with one row added or one removed, renumbered; nothing is saved.

    A saved row is marked for deletion (dropping it from the data would keep it); a new
    row is left out altogether.
    """
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 50)
        remove = int(data["remove_criterion"]) if "remove_criterion" in data else None
    except ValueError:
        total, remove = 0, None
    rows = [
        {name: data.get(f"{prefix}-{i}-{name}", "") for name in CRITERION_FIELDS}
        for i in range(total)
    ]
    if remove is not None and 0 <= remove < len(rows):
        if rows[remove]["id"]:
            rows[remove]["DELETE"] = "on"
        else:
            del rows[remove]
    if "add_criterion" in data:
        rows.append(dict.fromkeys(CRITERION_FIELDS, ""))
    changed = data.copy()
    for key in [
        key
        for key in changed
        if key.startswith(f"{prefix}-") and key[len(prefix) + 1 :][:1].isdigit()
    ]:
        del changed[key]
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value:
                changed[f"{prefix}-{index}-{name}"] = value
    changed[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    for key in ROW_ACTIONS:
        changed.pop(key, None)
    return changed


def quiet(formset):
    """Show a formset's typed values without judging them: a row was only added or removed."""
    formset._errors, formset._non_form_errors = [], formset.error_class()
    for form in formset.forms:
        quiet_form(form)


def quiet_form(form):
    form._errors = ErrorDict()


class CriterionForm(forms.Form):
    name = NameField(label=_("Criterion"), max_length=160)
    description = forms.CharField(
        label=_("What the panel looks for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=1, max_value=100)


class BaseAmendedCriteria(WeightsAddUp, forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        self.check_total(
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )

    def criteria(self):
        return [
            (f.cleaned_data["name"], f.cleaned_data["description"], f.cleaned_data["weight"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


AmendedCriteriaFormSet = formset_factory(
    CriterionForm, formset=BaseAmendedCriteria, extra=0, can_delete=True
)


class AmendmentForm(forms.Form):
    summary = forms.CharField(
        label=_("What changes and why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with today's date and e-mailed to every SME with a proposal."),
    )
    questions_close = forms.DateTimeField(label=_("Questions close"), widget=DateTimeLocalInput())
    submissions_close = forms.DateTimeField(
        label=_("Submissions close"), widget=DateTimeLocalInput()
    )

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        for name in ("questions_close", "submissions_close"):
            self.initial.setdefault(
                name,
                timezone.localtime(getattr(challenge, name), challenge.city.zone).replace(
                    tzinfo=None
                ),
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("questions_close", "submissions_close"):
            if cleaned.get(name):
                cleaned[name] = in_city_zone(cleaned[name], self.challenge.city)
                # The field shows minutes only: a time left as shown is no change, or an
                # amendment of the criteria alone would cut a deadline's seconds off and
                # publish that as a new deadline.
                stored = getattr(self.challenge, name)
                if cleaned[name] == stored.replace(second=0, microsecond=0):
                    cleaned[name] = None
        return cleaned


class CommentsForm(forms.Form):
    comments = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every SME with a proposal receives it by e-mail."),
    )


class QuestionForm(forms.Form):
    sme = forms.ModelChoiceField(label=_("Asking for"), queryset=SME.objects.none())
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The answer is published to everyone; your name and SME are not."),
    )

    def __init__(self, *args, user, smes=None, **kwargs):
        """``smes``: the user's SMEs when the page has them already, to list without asking again."""
        super().__init__(*args, **kwargs)
        self.fields["sme"].queryset = SME.objects.filter(memberships__user=user)
        if smes is not None:
            self.fields["sme"].choices = [("", self.fields["sme"].empty_label)] + [
                (sme.pk, str(sme)) for sme in smes
            ]
        else:
            smes = list(self.fields["sme"].queryset[:2])
        if len(smes) == 1:
            self.fields["sme"].initial = smes[0]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


def _cities_with_public_challenges():
    return list(
        City.objects.filter(challenges__status__in=PUBLIC_STATUSES)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


class ChallengeFilterForm(forms.Form):
    # Choices built once per content version, not a COUNT and a cursor per list per request:
    # the list is the busiest page. Sectors are a fixed taxonomy and need no query at all.
    city = forms.ChoiceField(label=_("City"), required=False)
    co_benefit = forms.ChoiceField(
        label=_("Co-benefit"), choices=[("", _("Any")), *CoBenefit.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any")), *sorted(SectorCode.CHOICES)], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))]
        + [(s, label) for s, label in Challenge.Status.choices if s in PUBLIC_STATUSES],
    )
    closing_soon = forms.BooleanField(label=_("Closing within 14 days"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = public_pages.memoised("challenge-filter-cities", _cities_with_public_challenges)
        self.fields["city"].choices = [("", _("Any")), *cities]

    def filter(self, challenges):
        """Apply every valid filter; an invalid one shows its error on the form and is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("city"):
            challenges = challenges.filter(city__slug=data["city"])
        if data.get("co_benefit"):
            challenges = challenges.filter(co_benefits__icontains=f'"{data["co_benefit"]}"')
        if data.get("sector"):
            challenges = challenges.filter(sectors__code=data["sector"])
        if data.get("status"):
            challenges = challenges.in_status_now(data["status"])
        if data.get("closing_soon"):
            challenges = challenges & Challenge.objects.closing_soon()
        return challenges
