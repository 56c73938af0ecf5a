"""Forms of the pilot: starting it, its plan (milestones, KPIs, payments) and progress updates.

Evidence files go through the portal's one upload check (``UploadField``): type by content,
size and a safe name; the path they are stored under never comes from the uploader.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from resilience_portal.uploads import DOCUMENT_KINDS, UploadField
from resilience_portal.widgets import AmountInput

from ..models import Indicator, Milestone

EVIDENCE_FIELDS = ("evidence_1", "evidence_2", "evidence_3")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StartPilotForm(forms.Form):
    summary = forms.CharField(
        label=_("What the pilot does"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences for the public page: what is being tried, and where."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class MoveMilestoneForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DateInput())


class KPIForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    custom_name = forms.CharField(label=_("Name (for “Other”)"), max_length=120, required=False)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for the indicator's usual unit."),
    )
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=14, decimal_places=2, widget=AmountInput()
    )
    description = forms.CharField(label=_("For"), max_length=200, required=False)


class ProgressUpdateForm(forms.Form):
    """A dated report: a reading per KPI (optional), milestone moves and evidence files."""

    reported_on = forms.DateField(label=_("Progress as of"), widget=DateInput())
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, kpis=(), milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            self.fields[f"kpi_{kpi.pk}"] = forms.DecimalField(
                label=f"{kpi.name} ({kpi.unit})",
                required=False,
                max_digits=14,
                decimal_places=2,
                help_text=_("Baseline %(baseline)s, target %(target)s.")
                % {"baseline": kpi.baseline.normalize(), "target": kpi.target.normalize()},
            )
        self.open_milestones = [m for m in milestones if m.status != Milestone.Status.DONE]
        for milestone in self.open_milestones:
            choices = [("", _("No change"))]
            if milestone.status == Milestone.Status.PLANNED:
                choices.append((Milestone.Status.IN_PROGRESS, _("Started")))
            choices.append((Milestone.Status.DONE, _("Done")))
            self.fields[f"milestone_{milestone.pk}"] = forms.ChoiceField(
                label=milestone.title, choices=choices, required=False
            )
        for index, name in enumerate(EVIDENCE_FIELDS, start=1):
            self.fields[name] = UploadField(
                label=_("Evidence file %(number)s") % {"number": index},
                kinds=DOCUMENT_KINDS,
                max_bytes=EVIDENCE_MAX_BYTES,
                required=False,
            )

    def kpi_fields(self):
        return [self[f"kpi_{kpi.pk}"] for kpi in self.kpis]

    def milestone_fields(self):
        return [self[f"milestone_{m.pk}"] for m in self.open_milestones]

    def evidence_fields(self):
        return [self[name] for name in EVIDENCE_FIELDS]

    def readings(self):
        return {kpi.pk: self.cleaned_data.get(f"kpi_{kpi.pk}") for kpi in self.kpis}

    def milestone_moves(self):
        return {m.pk: self.cleaned_data.get(f"milestone_{m.pk}") for m in self.open_milestones}

    def evidence(self):
        return [self.cleaned_data[name] for name in EVIDENCE_FIELDS if self.cleaned_data.get(name)]
