"""Peer-learning sessions: the session, its registrations and waitlist, materials, feedback,
the reminders already sent, and each person's private calendar address.

Times are stored in UTC. Staff enter them in a zone they choose (kept in ``time_zone``);
pages show them in the viewer's zone and, beside it, in the host city's.
"""

import secrets
import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, Cohort
from resilience_portal import scanning
from resilience_portal.models import time_zone_choices
from resilience_portal.permissions import Role, has_role, is_programme_staff
from resilience_portal.storage import private_storage

from ..taxonomy import Language, Topic

# Staff take attendance on a phone as people arrive, so the list opens a little early.
ATTENDANCE_OPENS_BEFORE = timedelta(minutes=30)
# Feedback is asked for once the session is over, and accepted for a while after.
FEEDBACK_WINDOW = timedelta(days=30)


class LearningSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions are public once their cohort is announced; staff see every one."""
        if is_programme_staff(user):
            return self
        return self.exclude(cohort__status=Cohort.Status.DRAFT)

    def upcoming(self, *, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, *, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def with_counts(self):
        confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
        return self.annotate(
            confirmed_count=Count("registrations", filter=confirmed),
            waitlisted_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
            attended_count=Count(
                "registrations", filter=confirmed & Q(registrations__attended=True)
            ),
        )


class LearningSession(models.Model):
    class Audience(models.TextChoices):
        OFFICIALS = "officials", _("City officials")
        SMES = "smes", _("SMEs")
        BOTH = "both", _("City officials and SMEs")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=40, choices=Topic.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone the times were entered in"),
        max_length=64,
        choices=time_zone_choices,
        default="UTC",
    )
    host_city = models.ForeignKey(
        City,
        verbose_name=_("host city"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_sessions",
    )
    online_link = models.URLField(_("online link"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        blank=True,
        related_name="facilitated_sessions",
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.BOTH
    )
    recording_link = models.URLField(_("recording link"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning session")
        verbose_name_plural = _("learning sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=~Q(online_link="") | ~Q(venue=""), name="session_has_link_or_venue"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("mentorship:session_detail", kwargs={"pk": self.pk})

    @property
    def host_zone(self):
        """The zone of the host city, or the one the times were entered in."""
        name = self.host_city.time_zone if self.host_city_id else self.time_zone
        return zoneinfo.ZoneInfo(name)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def has_started(self, *, now=None):
        return (now or timezone.now()) >= self.starts_at

    def has_ended(self, *, now=None):
        return (now or timezone.now()) >= self.ends_at

    def accepts_registrations(self, *, now=None):
        return not self.is_cancelled and not self.has_started(now=now)

    def admits(self, user):
        """Whether ``user`` belongs to the audience the session is meant for."""
        if not user.is_authenticated:
            return False
        official = has_role(user, Role.CITY_OFFICIAL)
        sme = has_role(user, Role.SME_MEMBER)
        if self.audience == self.Audience.OFFICIALS:
            return official
        if self.audience == self.Audience.SMES:
            return sme
        return official or sme

    def attendance_open(self, *, now=None):
        now = now or timezone.now()
        return not self.is_cancelled and now >= self.starts_at - ATTENDANCE_OPENS_BEFORE

    def feedback_open(self, *, now=None):
        now = now or timezone.now()
        return not self.is_cancelled and self.ends_at <= now < self.ends_at + FEEDBACK_WINDOW

    def runs(self, user):
        """Staff and the session's facilitators run it: attendance, materials, the link."""
        return is_programme_staff(user) or (
            user.is_authenticated and self.facilitators.filter(pk=user.pk).exists()
        )


class RegistrationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self
        return self.filter(user=user)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        # First come, first promoted.
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "id")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # One live registration per person; a cancelled one may be followed by a new one.
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_per_person",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self):
        return f"{self.user} → {self.session} ({self.status})"

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def is_waitlisted(self):
        return self.status == self.Status.WAITLISTED

    @property
    def is_live(self):
        return self.status != self.Status.CANCELLED

    def can_give_feedback(self, *, now=None):
        return (
            self.is_confirmed
            and self.attended is True
            and self.session.feedback_open(now=now)
            and not Feedback.objects.filter(registration=self).exists()
        )


class Feedback(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.rating}/5"


def material_path(instance, filename):
    # Never the uploader's file name: a random one, with the extension of the checked kind.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"session-materials/{instance.session_id}/{uuid.uuid4().hex}.{extension}"


class SessionMaterialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Registered people, facilitators and staff."""
        if not user.is_authenticated:
            return self.none()
        if is_programme_staff(user):
            return self
        return self.filter(
            Q(
                session__registrations__user=user,
                session__registrations__status=Registration.Status.CONFIRMED,
            )
            | Q(session__facilitators=user)
        ).distinct()


class SessionMaterial(models.Model):
    session = models.ForeignKey(LearningSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    link = models.URLField(_("link"), blank=True)
    file = models.FileField(
        upload_to=material_path, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # A link has nothing to scan; a file waits for the scanner's verdict.
    scan_status = scanning.status_field()

    objects = SessionMaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("session material")
        verbose_name_plural = _("session materials")
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="") | ~Q(file=""), name="material_has_link_or_file"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.link:
            return self.link
        return reverse(
            "mentorship:material_download", kwargs={"pk": self.session_id, "material": self.pk}
        )


scanning.register(SessionMaterial, uploader_field="added_by")


class SessionNotice(models.Model):
    """One reminder or feedback request for one registration, claimed before it is sent.

    The row is made once (unique per registration and kind) and claimed with a
    conditional UPDATE, so a beat that runs twice, or two beats, send it once.
    """

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("Reminder 24 hours before")
        HOUR_BEFORE = "1h", _("Reminder 1 hour before")
        FEEDBACK = "feedback", _("Feedback request")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="session_notice_once"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.registration_id}"


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a person's own calendar; revoking it gives a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("private calendar address")
        verbose_name_plural = _("private calendar addresses")

    def __str__(self):
        return f"{self.user}"

    def get_absolute_url(self):
        return reverse("mentorship:private_feed", kwargs={"token": self.token})
