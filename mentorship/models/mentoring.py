"""Mentoring: mentor and mentee profiles, mentorships with their meeting log and action items,
and the cohort-wide matching rounds that propose pairs for the best total fit."""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from resilience_portal.models import time_zone_choices
from resilience_portal.permissions import Role, has_role, is_programme_staff

from ..taxonomy import Language, Topic, labels

LIVE_STATUSES = ("proposed", "active")


class MentorProfileQuerySet(models.QuerySet):
    def accepting(self):
        return self.filter(accepting=True, user__is_active=True)

    def with_load(self):
        """``active_count``: the mentees a mentor has now (capacity is measured against it)."""
        return self.annotate(
            active_count=Count("mentorships", filter=Q(mentorships__status="active"))
        )

    def with_room(self):
        return self.with_load().filter(active_count__lt=F("capacity"))


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    bio = models.TextField(_("about you as a mentor"), blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="UTC"
    )
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("In words, e.g. Tuesday and Thursday mornings."),
    )
    capacity = models.PositiveSmallIntegerField(_("number of mentees"), default=2)
    accepting = models.BooleanField(_("open to new mentees"), default=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentor profile")
        verbose_name_plural = _("mentor profiles")
        ordering = ["user__full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=20), name="mentor_capacity_1_to_20"
            ),
        ]

    def __str__(self):
        return str(self.user)

    def expertise_labels(self):
        return labels(Topic, self.expertise)

    def language_labels(self):
        return labels(Language, self.languages)


class MenteeProfile(models.Model):
    """What an official or SME member wants from mentoring."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profile"
    )
    needs = models.JSONField(_("what you want help with"), default=list, blank=True)
    languages = models.JSONField(_("languages you prefer"), default=list, blank=True)
    goals = models.TextField(_("your goals"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentee profile")
        verbose_name_plural = _("mentee profiles")

    def __str__(self):
        return str(self.user)

    @property
    def time_zone(self):
        return self.user.time_zone

    def need_labels(self):
        return labels(Topic, self.needs)

    def language_labels(self):
        return labels(Language, self.languages)


def can_be_mentee(user):
    return user.is_authenticated and (
        has_role(user, Role.CITY_OFFICIAL) or has_role(user, Role.SME_MEMBER)
    )


class MentorshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The pair and programme staff; nobody else, other mentors included."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self
        return self.filter(Q(mentor__user=user) | Q(mentee=user))

    def of(self, user):
        return self.filter(Q(mentor__user=user) | Q(mentee=user))

    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="mentorships")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    matching_round = models.ForeignKey(
        "MatchingRound",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    reasons = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reflection = models.TextField(_("reflection"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=LIVE_STATUSES),
                name="mentorship_one_live_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self):
        return reverse("mentorship:mentorship_detail", kwargs={"pk": self.pk})

    def is_mentor(self, user):
        return user.is_authenticated and self.mentor.user_id == user.pk

    def in_pair(self, user):
        return user.is_authenticated and user.pk in (self.mentor.user_id, self.mentee_id)

    def can_answer(self, user):
        return self.status == self.Status.PROPOSED and self.is_mentor(user)

    def can_log(self, user):
        return self.status == self.Status.ACTIVE and self.in_pair(user)

    def other_party(self, user):
        return self.mentee if self.is_mentor(user) else self.mentor.user


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(mentorship__in=Mentorship.objects.visible_to(user))


class Meeting(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.mentorship} {self.held_on}"


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(meeting__mentorship__in=Mentorship.objects.visible_to(user))

    def open(self):
        return self.filter(done_at__isnull=True)


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action item"), max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["id"]

    def __str__(self):
        return self.text

    @property
    def is_done(self):
        return self.done_at is not None


class MatchingRound(models.Model):
    """A cohort-wide round: mentees and mentors sign up, the matcher proposes pairs for the
    best total fit under every mentor's capacity, staff adjust and confirm."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for sign-up")
        PROPOSED = "proposed", _("Pairs proposed")
        CONFIRMED = "confirmed", _("Confirmed")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="matching_rounds"
    )
    name = models.CharField(_("name"), max_length=160)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    total_fit = models.FloatField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("mentorship:round_detail", kwargs={"pk": self.pk})

    @property
    def accepts_sign_up(self):
        return self.status == self.Status.OPEN

    @property
    def can_adjust(self):
        return self.status == self.Status.PROPOSED


class RoundMentee(models.Model):
    matching_round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="mentees"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matching_round", "user"], name="round_mentee_once"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.matching_round_id}"


class RoundMentor(models.Model):
    matching_round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="mentors"
    )
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("mentees in this round"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matching_round", "mentor"], name="round_mentor_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="round_mentor_capacity"),
        ]

    def __str__(self):
        return f"{self.mentor_id} in {self.matching_round_id} ({self.capacity})"


class ProposedPair(models.Model):
    matching_round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="pairs"
    )
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="+")
    fit = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["mentee__full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matching_round", "mentee"], name="pair_one_per_mentee"
            ),
        ]

    def __str__(self):
        return f"{self.mentee_id} → {self.mentor_id} ({self.fit})"
