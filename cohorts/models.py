"""Cities and their officials; cohorts and applications build on these."""

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


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

    class Meta:
        verbose_name = _("city membership")
        verbose_name_plural = _("city memberships")
        constraints = [
            models.UniqueConstraint(fields=["city", "user"], name="city_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user}, {self.city} ({self.get_role_display()})"


class Cohort(models.Model):
    """One programme round: up to ``max_cities`` cities selected from the applicants."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        REVIEWING = "reviewing", _("Reviewing applications")
        SELECTED = "selected", _("Cities selected")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("web address"), max_length=180, unique=True)
    region = models.CharField(_("region"), max_length=120, default="Asia-Pacific")
    year = models.PositiveSmallIntegerField(_("year"))
    max_cities = models.PositiveSmallIntegerField(_("maximum number of cities"), default=8)
    applications_open = models.DateTimeField(_("applications open"), null=True, blank=True)
    applications_close = models.DateTimeField(_("applications close"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    cities = models.ManyToManyField(
        City, verbose_name=_("selected cities"), related_name="cohorts", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_cities__gte=1), name="cohort_max_cities_positive"
            ),
        ]

    def __str__(self):
        return self.name
