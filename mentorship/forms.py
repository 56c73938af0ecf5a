"""Forms of peer learning and mentoring: what people type, checked before any act."""

import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, Cohort
from resilience_portal.models import time_zone_choices
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from resilience_portal.uploads import DOCUMENT_KINDS, UploadField

from .models import LearningSession, MentorProfile
from .taxonomy import Language, Topic
from .times import wall_clock_in


def local_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone of the times below"),
        choices=time_zone_choices,
        help_text=_("Type the start and end as a clock in this zone shows them."),
    )

    class Meta:
        model = LearningSession
        fields = [
            "cohort",
            "title",
            "topic",
            "description",
            "language",
            "host_city",
            "time_zone",
            "starts_at",
            "ends_at",
            "online_link",
            "venue",
            "facilitators",
            "capacity",
            "audience",
        ]
        widgets = {"starts_at": local_input(), "ends_at": local_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.fields["facilitators"].queryset = (
            User.objects.filter(is_active=True)
            .filter(Q(groups__name=PROGRAMME_STAFF_GROUP) | Q(mentor_profile__isnull=False))
            .distinct()
            .order_by("full_name")
        )
        self.fields["facilitators"].required = False
        self.fields["host_city"].queryset = City.objects.order_by("name")
        if self.instance.pk:
            zone = self.instance.time_zone
            for name in ("starts_at", "ends_at"):
                value = getattr(self.instance, name)
                self.initial[name] = timezone.localtime(value, zoneinfo.ZoneInfo(zone)).replace(
                    tzinfo=None
                )

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("time_zone") or "UTC"
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name):
                cleaned[name] = wall_clock_in(cleaned[name], zone)
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts_at and not self.instance.pk and starts_at <= timezone.now():
            self.add_error("starts_at", _("A new session starts in the future."))
        if not cleaned.get("online_link") and not cleaned.get("venue"):
            self.add_error("online_link", _("Give an online link, a venue, or both."))
        return cleaned

    def _post_clean(self):
        # The model's own checks run on the zone-corrected times.
        for name in ("starts_at", "ends_at"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class SessionFilterForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), required=False, empty_label=_("Any")
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    audience = forms.ChoiceField(label=_("Audience"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["cohort"].queryset = Cohort.objects.visible_to(user).order_by("-year", "name")
        self.fields["topic"].choices = any_choice + Topic.choices
        self.fields["audience"].choices = any_choice + LearningSession.Audience.choices
        self.fields["language"].choices = any_choice + Language.choices
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter(self, sessions):
        if not self.is_valid():
            return sessions
        data = self.cleaned_data
        if data.get("cohort"):
            sessions = sessions.filter(cohort=data["cohort"])
        if data.get("topic"):
            sessions = sessions.filter(topic=data["topic"])
        if data.get("audience"):
            wanted = data["audience"]
            sessions = sessions.filter(audience__in=[wanted, LearningSession.Audience.BOTH])
        if data.get("language"):
            sessions = sessions.filter(language=data["language"])
        return sessions


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    link = forms.URLField(label=_("Link"), required=False)
    file = UploadField(label=_("File"), kinds=DOCUMENT_KINDS, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("link") and not cleaned.get("file"):
            raise forms.ValidationError(_("Give a link or choose a file."))
        return cleaned


class RecordingForm(forms.Form):
    recording_link = forms.URLField(label=_("Recording link"))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the session? (1 = not at all, 5 = very)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


def _checkboxes(choices, label):
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class MentorProfileForm(forms.ModelForm):
    expertise = _checkboxes(Topic.choices, _("Expertise"))
    languages = _checkboxes(Language.choices, _("Languages you mentor in"))

    class Meta:
        model = MentorProfile
        fields = [
            "bio",
            "expertise",
            "languages",
            "time_zone",
            "availability",
            "capacity",
            "accepting",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def clean_expertise(self):
        if not self.cleaned_data["expertise"]:
            raise forms.ValidationError(_("Choose at least one area."))
        return self.cleaned_data["expertise"]

    def clean_languages(self):
        if not self.cleaned_data["languages"]:
            raise forms.ValidationError(_("Choose at least one language."))
        return self.cleaned_data["languages"]


class MenteeNeedsForm(forms.Form):
    needs = _checkboxes(Topic.choices, _("What you want help with"))
    languages = _checkboxes(Language.choices, _("Languages you prefer"))
    goals = forms.CharField(
        label=_("Your goals"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_needs(self):
        if not self.cleaned_data["needs"]:
            raise forms.ValidationError(_("Choose at least one area."))
        return self.cleaned_data["needs"]


class RequestForm(forms.Form):
    goals = forms.CharField(
        label=_("What you hope to achieve"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    action_items = forms.CharField(
        label=_("Action items"),
        required=False,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_action_items(self):
        lines = [line.strip() for line in self.cleaned_data["action_items"].splitlines()]
        items = [line for line in lines if line]
        if any(len(item) > 300 for item in items):
            raise forms.ValidationError(_("Keep each action item under 300 characters."))
        return items


class CompleteForm(forms.Form):
    reflection = forms.CharField(
        label=_("A short reflection: what changed?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class InviteMentorForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person's account"))

    def clean_email(self):
        User = get_user_model()
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No account uses this address; ask them to sign up first.")
            )
        return user


class RoundForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.all())
    name = forms.CharField(label=_("Name"), max_length=160)


class JoinRoundForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Mentees you can take in this round"), min_value=1, max_value=20, initial=1
    )


class AdjustPairForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=MentorProfile.objects.none())

    def __init__(self, *args, matching_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = MentorProfile.objects.filter(
            pk__in=matching_round.mentors.values("mentor")
        ).select_related("user")
