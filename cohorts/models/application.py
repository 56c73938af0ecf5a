"""A city's application to a cohort: drafted by its officials, submitted in the window, decided by staff."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resilience_portal import scanning
from resilience_portal.permissions import is_programme_staff
from resilience_portal.storage import private_storage

from .city import City
from .cohort import Cohort

LETTER_MAX_BYTES = 5 * 1024 * 1024


def letter_path(instance, filename):
    # Never build a path from the uploader's file name.
    return f"cohorts/letters/{uuid.uuid4().hex}.pdf"


class CityApplicationQuerySet(models.QuerySet):
    def of_cities_of(self, user):
        return self.filter(city__in=City.objects.represented_by(user))

    def visible_to(self, user):
        """A city's officials see its applications; staff see those that were ever submitted."""
        if not user.is_authenticated:
            return self.none()
        own = models.Q(city__in=City.objects.represented_by(user))
        if is_programme_staff(user):
            return self.filter(own | models.Q(submitted_at__isnull=False))
        return self.filter(own)


class CityApplication(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        SELECTED = "selected", _("Selected")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Decision(models.TextChoices):
        SELECTED = "selected", _("Select")
        WAITLISTED = "waitlisted", _("Waitlist")
        DECLINED = "declined", _("Decline")

    # The sections of the form, in order: (field, heading).
    SECTIONS = [
        ("motivation", _("Motivation")),
        ("resilience_challenges", _("The resilience challenges the city faces")),
        ("procurement_readiness", _("Procurement readiness")),
        ("sme_ecosystem", _("Local SME ecosystem")),
        ("leadership_commitment", _("Leadership commitment")),
    ]

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    motivation = models.TextField(
        _("motivation"), blank=True, help_text=_("Why does the city want to join this cohort?")
    )
    resilience_challenges = models.TextField(
        _("resilience challenges"),
        blank=True,
        help_text=_("Floods, heat, water, waste...: what the city faces and who is affected."),
    )
    procurement_readiness = models.TextField(
        _("procurement readiness"),
        blank=True,
        help_text=_("Rules, budget and people that let the city buy from small local firms."),
    )
    sme_ecosystem = models.TextField(
        _("local SME ecosystem"),
        blank=True,
        help_text=_("Local firms, incubators and business associations the city works with."),
    )
    leadership_commitment = models.TextField(
        _("leadership commitment"),
        blank=True,
        help_text=_("Who in the city's leadership backs the application, and how."),
    )
    leadership_letter = models.FileField(
        _("leadership commitment letter (PDF)"),
        storage=private_storage,
        upload_to=letter_path,
        blank=True,
    )
    leadership_letter_scan_status = scanning.status_field(_("letter's virus scan"))
    leadership_letter_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("note to the city"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    result_emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CityApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("city application")
        verbose_name_plural = _("city applications")
        ordering = ["cohort", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "city"], name="city_application_one_per_cohort"
            ),
        ]

    def __str__(self):
        return f"{self.city} → {self.cohort}"

    def get_absolute_url(self):
        return reverse("cohorts:application", kwargs={"pk": self.pk})

    RESULTS = (Status.SELECTED, Status.WAITLISTED, Status.DECLINED)
    WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED)
    # What a draft save may write: the answers, never the status another request may have moved.
    DRAFT_FIELDS = [field for field, _label in SECTIONS] + ["leadership_letter", "updated_at"]

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def is_under_review(self):
        return self.status == self.Status.UNDER_REVIEW

    @property
    def has_result(self):
        """The selection is confirmed and this application's outcome is final."""
        return self.status in self.RESULTS

    @property
    def decision_label(self):
        """The recorded decision as an outcome ("Selected"), not as the verb on its button."""
        return self.Status(self.decision).label if self.decision else ""

    @property
    def can_be_withdrawn(self):
        return self.status in self.WITHDRAWABLE

    def can_edit(self, user):
        return self.is_editable and self.city.has_official(user)

    def can_withdraw(self, user):
        return self.can_be_withdrawn and self.city.has_official(user)

    def sections(self):
        return [(label, getattr(self, field)) for field, label in self.SECTIONS]

    def missing_for_submission(self):
        missing = [str(label) for field, label in self.SECTIONS if not getattr(self, field).strip()]
        if not self.leadership_letter:
            missing.append(str(_("the leadership commitment letter")))
        return missing

    def officials(self):
        return [m.user for m in self.city.memberships.verified().select_related("user")]


scanning.register(
    CityApplication,
    file_field="leadership_letter",
    status_field="leadership_letter_scan_status",
    uploader_field="leadership_letter_uploaded_by",
)
