"""Forms of the evaluation: the panel, conflicts, score sheets, moderation, award, standstill."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from resilience_portal.widgets import AmountInput

from ..models.challenge import CURRENCY_CHOICES
from ..models.evaluation import MAX_SCORE


class AppointForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Official of the city"), queryset=None)

    def __init__(self, *args, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(city_memberships__city_id=challenge.city_id, is_active=True)
            .exclude(panel_seats__challenge=challenge)
            .order_by("full_name", "email")
        )


class InviteExpertForm(forms.Form):
    email = forms.EmailField(
        label=_("Outside expert's e-mail address"),
        help_text=_("They receive a link to join this challenge's panel, and nothing else."),
    )


class StandstillDaysForm(forms.Form):
    standstill_days = forms.IntegerField(
        label=_("Standstill period (days)"),
        min_value=0,
        max_value=60,
        help_text=_(
            "After the award, unsuccessful SMEs may ask about the decision for this many days "
            "before it becomes final."
        ),
    )


class ConflictsForm(forms.Form):
    """One yes/no answer per bidding SME, with a note for every conflict."""

    def __init__(self, *args, smes, **kwargs):
        super().__init__(*args, **kwargs)
        self.smes = list(smes)
        for sme in self.smes:
            self.fields[f"conflict_{sme.pk}"] = forms.TypedChoiceField(
                label=str(sme),
                choices=[("no", _("No conflict")), ("yes", _("Conflict of interest"))],
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{sme.pk}"] = forms.CharField(
                label=_("Nature of the conflict with %(sme)s") % {"sme": sme},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [(sme, self[f"conflict_{sme.pk}"], self[f"note_{sme.pk}"]) for sme in self.smes]

    def clean(self):
        cleaned = super().clean()
        for sme in self.smes:
            if cleaned.get(f"conflict_{sme.pk}") and not cleaned.get(f"note_{sme.pk}", "").strip():
                self.add_error(f"note_{sme.pk}", _("Say what the conflict is."))
        return cleaned

    def answers(self):
        return {
            sme.pk: (
                self.cleaned_data[f"conflict_{sme.pk}"],
                self.cleaned_data.get(f"note_{sme.pk}", ""),
            )
            for sme in self.smes
        }


class ScoreSheetForm(forms.Form):
    """A score (0-10) and a comment per criterion; blanks are fine in a draft."""

    def __init__(self, *args, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            existing = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("Score for %(criterion)s (0-10)") % {"criterion": criterion.name},
                min_value=0,
                max_value=MAX_SCORE,
                required=False,
                initial=existing.score if existing else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.comment if existing else "",
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self):
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
        }


class ConsensusForm(forms.Form):
    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = [cell for cell in cells if cell.mean is not None]
        for cell in self.cells:
            criterion = cell.criterion
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("Consensus on %(criterion)s") % {"criterion": criterion.name},
                min_value=Decimal(0),
                max_value=Decimal(MAX_SCORE),
                decimal_places=1,
                initial=cell.effective,
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Reason, if it differs from the mean (%(mean)s)") % {"mean": cell.mean},
                required=False,
                initial=cell.consensus.reason if cell.consensus else "",
            )

    def rows(self):
        return [
            (cell, self[f"score_{cell.criterion.pk}"], self[f"reason_{cell.criterion.pk}"])
            for cell in self.cells
        ]

    def values(self):
        return {
            cell.criterion.pk: (
                self.cleaned_data[f"score_{cell.criterion.pk}"],
                self.cleaned_data[f"reason_{cell.criterion.pk}"],
            )
            for cell in self.cells
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AwardForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Winning proposal"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=14, decimal_places=2, widget=AmountInput()
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published with the award notice and sent to every bidder."),
    )

    def __init__(self, *args, proposals, challenge, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [(p.pk, str(p.sme)) for p in proposals]
        self.fields["currency"].initial = challenge.currency


class StandstillQuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question to the panel's chair"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per SME, answered in writing and kept on record."),
    )
