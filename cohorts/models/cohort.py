"""A cohort: one programme round, its application window and its weighted selection criteria."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resilience_portal.permissions import is_programme_staff

from .city import City


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every cohort; everyone else sees cohorts once they are announced."""
        if is_programme_staff(user):
            return self
        return self.exclude(status=Cohort.Status.DRAFT)


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
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_cities__gte=1), name="cohort_max_cities_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(applications_open__isnull=True)
                | models.Q(applications_close__isnull=True)
                | models.Q(applications_close__gt=models.F("applications_open")),
                name="cohort_window_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:detail", kwargs={"slug": self.slug})

    def accepts_applications(self, *, now=None):
        """True while the window is open: from ``applications_open`` up to, not at, the close."""
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and self.applications_open is not None
            and self.applications_close is not None
            and self.applications_open <= now < self.applications_close
        )

    def window_has_closed(self, *, now=None):
        now = now or timezone.now()
        return self.applications_close is not None and now >= self.applications_close

    @property
    def criteria_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.OPEN)

    def is_deciding(self):
        """Staff record decisions, and reviewers score, while the cohort is in review."""
        return self.status == self.Status.REVIEWING


class SelectionCriterion(models.Model):
    """One thing reviewers score (0-5); its weight sets its share of the weighted mean."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    description = models.TextField(_("what reviewers look for"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=25)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100),
                name="criterion_weight_between_1_and_100",
            ),
            models.UniqueConstraint(fields=["cohort", "name"], name="criterion_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"
