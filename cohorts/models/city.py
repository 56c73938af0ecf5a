"""Cities and their officials; cohorts and applications build on these."""

import zoneinfo

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resilience_portal import audit
from resilience_portal.models import time_zone_choices


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
        return user.is_authenticated and self.memberships.filter(user=user).exists()

    def add_official(self, user, *, role=None, by=None, via="invitation"):
        """Make ``user`` an official of this city (idempotent), recorded in the audit trail."""
        with transaction.atomic():
            membership, created = CityMembership.objects.get_or_create(
                city=self, user=user, defaults={"role": role or CityMembership.Role.MEMBER}
            )
            if created:
                audit.record(
                    self, "city.official_added", actor=by or user, user=user.email, via=via
                )
        return membership


class CityMembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(city__memberships__user=user)


class CityMembership(models.Model):
    """An official's place in a city's team; granted by invitation."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead official")
        MEMBER = "member", _("Official")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="city_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CityMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("city membership")
        verbose_name_plural = _("city memberships")
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="city_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user}, {self.city} ({self.get_role_display()})"
