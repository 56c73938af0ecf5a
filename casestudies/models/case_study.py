"""Case studies: a city's experience written up by programme staff, reviewed, then published.

A case study moves draft → in review → published → archived. Every save keeps a
version row, translations are rows per language, and each published language has a
PDF whose state (rendering, ready, failed) lives in :class:`CaseStudyPDF`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, Cohort
from procurement import kpi_charts
from procurement.models import Challenge, CoBenefit, Pilot
from resilience_portal import scanning
from resilience_portal.permissions import is_programme_staff

# The languages a case study may be written or translated in: the interface's own.
LANGUAGE_CHOICES = settings.LANGUAGES


def image_path(instance, filename):
    """Stored names never come from the uploader: ``filename`` is already the checked name."""
    return f"casestudies/images/{filename}"


def pdf_path(instance, filename):
    return f"casestudies/pdf/{filename}"


class CaseStudyQuerySet(models.QuerySet):
    def public(self):
        """Readable by anyone at their address: published, and archived ones kept for old links."""
        return self.filter(status__in=CaseStudy.PUBLIC_STATUSES)

    def listed(self):
        """Shown in lists and feeds: published only."""
        return self.filter(status=CaseStudy.Status.PUBLISHED)

    def visible_to(self, user):
        """Staff see every case study; everyone else only public ones (drafts are 404)."""
        if is_programme_staff(user):
            return self
        return self.public()

    def in_language(self, language):
        """Those a reader of ``language`` can read in it: written in it or translated into it."""
        return self.filter(Q(language=language) | Q(translations__language=language)).distinct()

    def with_translation(self, language):
        """Fetch each one's translation into ``language`` (if any) in one query, as
        ``translation_for_reader``; see :meth:`CaseStudy.for_reader`."""
        return self.prefetch_related(
            Prefetch(
                "translations",
                queryset=CaseStudyTranslation.objects.filter(language=language),
                to_attr="reader_translations",
            )
        )


class CaseStudy(models.Model):
    """One city's experience of the programme, on the web, as PDF and in the newsletter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="case_studies"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="case_studies"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=220, unique=True)
    language = models.CharField(
        _("written in"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body (Markdown)"), blank=True)
    hero_image = models.FileField(_("hero image"), upload_to=image_path, blank=True, max_length=255)
    hero_alt = models.CharField(_("hero image description (alt text)"), max_length=300, blank=True)
    hero_credit = models.CharField(_("hero image credit"), max_length=200, blank=True)
    hero_scan_status = scanning.status_field(_("hero image virus scan"))
    hero_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    # [{"value": "1,200", "label": "households protected"}, …]
    key_figures = models.JSONField(_("key figures"), default=list, blank=True)
    related_challenges = models.ManyToManyField(
        Challenge, verbose_name=_("related challenges"), related_name="case_studies", blank=True
    )
    # Their KPIs (baseline, target, latest reading) are read live: see :meth:`live_figures`.
    related_pilots = models.ManyToManyField(
        Pilot, verbose_name=_("related pilots"), related_name="case_studies", blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), related_name="case_studies_written"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_studies_reviewed",
    )
    review_comments = models.TextField(_("review comments"), blank=True)
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["published", "archived"]) | Q(published_at__isnull=False),
                name="case_study_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("casestudies:detail", kwargs={"slug": self.slug})

    def get_pdf_url(self):
        return reverse("casestudies:pdf", kwargs={"slug": self.slug})

    # --- predicates the templates ask -------------------------------------------------

    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    def can_edit(self, user):
        return is_programme_staff(user) and self.status != self.Status.ARCHIVED

    def can_submit(self, user):
        return is_programme_staff(user) and self.status == self.Status.DRAFT

    def can_review(self, user):
        """Four eyes: the reviewer is programme staff who did not write it."""
        return (
            is_programme_staff(user)
            and self.status == self.Status.IN_REVIEW
            and not self.authors.filter(pk=user.pk).exists()
        )

    def can_archive(self, user):
        return is_programme_staff(user) and self.status == self.Status.PUBLISHED

    def can_restore(self, user):
        return is_programme_staff(user) and self.status == self.Status.ARCHIVED

    # --- reading in a language ------------------------------------------------------

    def languages(self):
        """The languages it can be read in, its own first."""
        return [self.language, *(t.language for t in self.translations.all())]

    def for_reader(self, language):
        """The text a reader of ``language`` sees: the translation where one exists."""
        if language == self.language:
            return self
        prefetched = getattr(self, "reader_translations", None)
        if prefetched is not None:
            match = next((t for t in prefetched if t.language == language), None)
        else:
            match = self.translations.filter(language=language).first()
        return match or self

    def shows_hero(self):
        """A hero image is shown (page and PDF) once the virus scanner found it clean."""
        return bool(self.hero_image) and self.hero_scan_status == scanning.ScanStatus.CLEAN

    def held_image_urls(self):
        """Body pictures not yet scanned clean: the page and the PDF leave them out."""
        return {
            image.image.url for image in self.images.exclude(scan_status=scanning.ScanStatus.CLEAN)
        }

    def theme_labels(self):
        labels = dict(CoBenefit.choices)
        return [labels.get(code, code) for code in self.themes]

    def live_figures(self):
        """The related pilots' KPIs (baseline, target, latest reading) as key figures with
        charts, read from the pilots now: [(pilot, [chart, …]), …], in two queries.

        Only pilots of public challenges count, whoever reads: the page and its PDF are
        public documents and show everyone the same (as the related challenges do)."""
        pilots = self.related_pilots.filter(challenge__in=Challenge.objects.public())
        return kpi_charts.charts_of_pilots(pilots)


class CaseStudyTranslation(models.Model):
    """The reader-facing text of a case study in one more language."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body (Markdown)"), blank=True)
    hero_alt = models.CharField(_("hero image description (alt text)"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case study translation")
        verbose_name_plural = _("case study translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "language"], name="case_study_translation_once_per_language"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    # The translated text stands in for the case study where a template reads it.
    @property
    def key_figures(self):
        return self.case_study.key_figures


class CaseStudyVersion(models.Model):
    """What one save wrote, in one language: kept for ever, compared side by side."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body (Markdown)"), blank=True)
    key_figures = models.JSONField(_("key figures"), default=list, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case study version")
        verbose_name_plural = _("case study versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "number"], name="case_study_version_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.case_study} v{self.number}"

    def as_text(self):
        """The version as plain lines, for comparing two versions."""
        figures = [f"{f.get('value', '')} — {f.get('label', '')}" for f in self.key_figures]
        return [self.title, "", self.summary, "", *figures, "", *self.body.splitlines()]


class CaseStudyImage(models.Model):
    """A picture for the body: staff upload it, then place it with Markdown ``![alt](url)``."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to=image_path, max_length=255)
    alt = models.CharField(_("description (alt text)"), max_length=300)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = scanning.status_field()

    class Meta:
        verbose_name = _("case study image")
        verbose_name_plural = _("case study images")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.alt

    def markdown(self):
        return f"![{self.alt}]({self.image.url})"


scanning.register(CaseStudyImage, file_field="image")
scanning.register(
    CaseStudy,
    file_field="hero_image",
    status_field="hero_scan_status",
    uploader_field="hero_uploaded_by",
)


class CaseStudyPDF(models.Model):
    """The PDF of a case study in one language: the last good file and the render under way.

    ``file`` is replaced only when a new render succeeded, so readers keep the last good
    PDF while another renders or after one failed.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to render")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="pdfs")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("PDF"), upload_to=pdf_path, blank=True, max_length=255)
    content_hash = models.CharField(_("content hash of the file"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("reason of the last failure"), blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case study PDF")
        verbose_name_plural = _("case study PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "language"], name="case_study_pdf_once_per_language"
            )
        ]

    def __str__(self):
        return f"{self.case_study} ({self.language}): {self.state}"

    def is_ready(self):
        return bool(self.file)

    def in_progress(self):
        return self.state in (self.State.QUEUED, self.State.RENDERING)

    def has_failed(self):
        return self.state == self.State.FAILED
