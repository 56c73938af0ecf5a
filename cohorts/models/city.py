"""Cities and their officials; cohorts and applications build on these.

A CityMembership is first a request: only a VERIFIED one (checked by programme staff,
or vouched for by a verified colleague's invitation) makes its user an official, and
every rule about what officials may see or do counts only those.
"""

import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resilience_portal.models import time_zone_choices
from resilience_portal.storage import private_storage


class CityQuerySet(models.QuerySet):
    def represented_by(self, user):
        """Cities ``user`` is a verified official of; a request alone gives nothing."""
        if not user.is_authenticated:
            return self.none()
        # One filter() call: both conditions hold for the same membership row.
        return self.filter(memberships__user=user, memberships__status="verified")


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=140, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. TH"))
    province = models.CharField(_("province or region"), max_length=120, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="UTC"
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. Thai, English"),
    )
    resilience_priorities = models.TextField(_("resilience priorities"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:city", kwargs={"slug": self.slug})

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def has_official(self, user):
        return user.is_authenticated and self.memberships.verified().filter(user=user).exists()

    def has_verified_officials(self):
        return self.memberships.verified().exists()


def letter_evidence_path(instance, filename):
    # Never build a path from the uploader's file name.
    return f"cohorts/official-evidence/{uuid.uuid4().hex}"


class CityMembershipQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=CityMembership.Status.VERIFIED)

    def pending(self):
        return self.filter(status=CityMembership.Status.PENDING)

    def visible_to(self, user):
        """A city's team, to its verified officials."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(city__in=City.objects.represented_by(user))


class CityMembership(models.Model):
    """An official's place in a city's team: a request until staff verify it, or granted at
    once by a verified colleague's invitation."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead official")
        MEMBER = "member", _("Official")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not verified")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Pending by default: whoever forgets to say otherwise grants nothing.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    position = models.CharField(
        _("position"),
        max_length=200,
        blank=True,
        help_text=_("Your job title in the city government, e.g. Chief Resilience Officer."),
    )
    evidence_letter = models.FileField(
        _("letter of appointment"),
        storage=private_storage,
        upload_to=letter_evidence_path,
        blank=True,
    )
    evidence_letter_name = models.CharField(max_length=120, blank=True)
    staff_contact = models.CharField(
        _("programme staff contact"),
        max_length=200,
        blank=True,
        help_text=_("Someone on the programme team who knows you in your role, if any."),
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CityMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("city membership")
        verbose_name_plural = _("city memberships")
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="city_membership_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "verified", "rejected"]),
                name="city_membership_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.user}, {self.city} ({self.get_role_display()})"

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def email_domain(self):
        """The domain of the requester's address: an official one is evidence in itself."""
        return self.user.email.rpartition("@")[2].lower()


def awaits_verification(user):
    """True when ``user`` asked to represent a city and is not (yet) any city's official."""
    if not user.is_authenticated:
        return False
    mine = CityMembership.objects.filter(user=user)
    return mine.pending().exists() and not mine.verified().exists()
