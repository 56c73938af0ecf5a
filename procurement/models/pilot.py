"""Pilots: the awarded proposal put to work, with milestones, KPIs and dated progress updates.

A city official starts the pilot from a final award (the contract is signed then; the
standstill must be over). Anyone reads a pilot's public page; only the pilot's SME members
and the city's officials report progress. A milestone's lateness is read from the clock in
the city's time zone; the beat only records that the officials were told.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import City
from resilience_portal import scanning
from resilience_portal.storage import private_storage
from smes.models import SME

from .evaluation import Award


class Indicator(models.TextChoices):
    """The KPIs the programme suggests; each has a usual unit. "Other" takes a name of its own."""

    JOBS_CREATED = "jobs_created", _("Jobs created")
    PEOPLE_REACHED = "people_reached", _("People reached")
    CO2E_AVOIDED = "co2e_avoided", _("Tonnes CO2e avoided")
    HOUSEHOLDS_PROTECTED = "households_protected", _("Households protected from flooding")
    WOMEN_EMPLOYED = "women_employed", _("Women employed")
    WATER_SAVED = "water_saved", _("Cubic metres of water saved")
    WASTE_DIVERTED = "waste_diverted", _("Tonnes of waste diverted from landfill")
    TREES_PLANTED = "trees_planted", _("Trees planted")
    COOLING_HOURS = "cooling_hours", _("Hours of heat relief provided")
    OTHER = "other", _("Other (name it)")

    @classmethod
    def usual_unit(cls, code):
        return {
            cls.JOBS_CREATED: _("jobs"),
            cls.PEOPLE_REACHED: _("people"),
            cls.CO2E_AVOIDED: _("t CO2e"),
            cls.HOUSEHOLDS_PROTECTED: _("households"),
            cls.WOMEN_EMPLOYED: _("women"),
            cls.WATER_SAVED: _("m³"),
            cls.WASTE_DIVERTED: _("t"),
            cls.TREES_PLANTED: _("trees"),
            cls.COOLING_HOURS: _("hours"),
        }.get(code, "")


class PilotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A pilot is public: its page reports public money's results to everyone."""
        return self

    def reportable_by(self, user):
        """Pilots ``user`` may report progress on: their SME's, or their city's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(sme__in=SME.objects.filter(memberships__user=user))
            | Q(challenge__city__in=City.objects.filter(memberships__user=user))
        )

    def managed_by(self, user):
        """Pilots whose plan (milestones, KPIs) and completion ``user`` decides: the city's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(challenge__city__in=City.objects.filter(memberships__user=user))


class Pilot(models.Model):
    """The awarded proposal's pilot: one per award, started when the contract is signed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="pilot")
    # Copied from the award so public lists and permissions need no joins through it.
    challenge = models.OneToOneField(
        "procurement.Challenge", on_delete=models.PROTECT, related_name="pilot"
    )
    sme = models.ForeignKey(SME, on_delete=models.PROTECT, related_name="pilots")
    summary = models.TextField(
        _("what the pilot does"),
        help_text=_("One or two sentences for the public page: what is being tried, and where."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The date the contract was signed (OCDS contract.dateSigned).
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        ordering = ["-started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="pilot_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.challenge}: {self.sme}"

    def get_absolute_url(self):
        return reverse("procurement:pilot_detail", kwargs={"slug": self.challenge.slug})

    def today(self):
        """Today's date where the pilot happens: milestones fall due by the city's calendar."""
        return timezone.localtime(timezone=self.challenge.city.zone).date()

    @property
    def is_running(self):
        return self.status == self.Status.RUNNING

    def may_report(self, user):
        return Pilot.objects.reportable_by(user).filter(pk=self.pk).exists()

    def may_manage(self, user):
        return Pilot.objects.managed_by(user).filter(pk=self.pk).exists()


class MilestoneQuerySet(models.QuerySet):
    def late(self, today):
        """Not done and past due on ``today``'s date (read in the city's zone by the caller)."""
        return self.exclude(status=Milestone.Status.DONE).filter(due_on__lt=today)

    def late_and_not_flagged(self, today):
        return self.late(today).filter(late_flagged_at__isnull=True)


class Milestone(models.Model):
    """A dated step of the pilot. "Late" is never stored: it is read from the clock."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    LATE = "late"
    LATE_LABEL = _("Late")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # Claimed by the beat with a conditional UPDATE, so the officials hear of it once.
    late_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="milestone_done_on_when_done",
            ),
        ]

    def __str__(self):
        return self.title

    def is_late(self, today):
        return self.status != self.Status.DONE and self.due_on < today

    def shown_status(self, today):
        """(code, label): planned, in progress, done, or late by the clock."""
        if self.is_late(today):
            return self.LATE, self.LATE_LABEL
        return self.status, self.get_status_display()


class KPI(models.Model):
    """A key performance indicator of the pilot: where it started and what it aims for."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="kpis")
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    custom_name = models.CharField(_("name"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="kpi_target_differs_from_baseline"
            ),
            models.CheckConstraint(
                condition=~Q(indicator="other") | ~Q(custom_name=""),
                name="kpi_other_is_named",
            ),
        ]

    def __str__(self):
        return str(self.name)

    @property
    def name(self):
        if self.indicator == Indicator.OTHER:
            return self.custom_name
        return self.get_indicator_display()

    def progress(self, value):
        """How far ``value`` has come from the baseline to the target, as a share (0 to 1)."""
        if value is None:
            return Decimal(0)
        share = (Decimal(value) - self.baseline) / (self.target - self.baseline)
        return max(Decimal(0), min(Decimal(1), share))


class ProgressUpdate(models.Model):
    """A dated report on the pilot by one of its SME's members or the city's officials."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("progress as of"))
    text = models.TextField(_("what happened"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Which side reported: the public page says "the SME" or "the city", never a person.
    by_city = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-id"]

    def __str__(self):
        return f"{self.pilot}: {self.reported_on}"


class KPIReading(models.Model):
    """One KPI's value as of a progress update's date."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="readings")
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="readings")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("KPI reading")
        verbose_name_plural = _("KPI readings")
        ordering = ["update__reported_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "kpi"], name="kpi_reading_once_per_update"),
        ]

    def __str__(self):
        return f"{self.kpi}: {self.value}"


def evidence_path(instance, filename):
    # Never the uploader's file name: a random name in a folder of the pilot.
    return f"pilots/{instance.update.pilot_id}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence may show people or invoices: the pilot's participants and staff read it."""
        from resilience_portal.permissions import is_programme_staff

        if is_programme_staff(user):
            return self
        return self.filter(update__pilot__in=Pilot.objects.reportable_by(user))


class Evidence(models.Model):
    """A file backing a progress update (photos, delivery notes, measurements)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, storage=private_storage)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = scanning.status_field()

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self):
        return self.name


scanning.register(Evidence)


class Payment(models.Model):
    """A payment the city made to the SME under the pilot's contract (OCDS transactions)."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("for"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.pilot}: {self.amount} on {self.paid_on}"
