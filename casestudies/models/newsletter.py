"""The newsletter: subscribers (double opt-in), issues per language, and one Delivery per
subscriber per issue, the record of truth of who has been sent what.

A Delivery moves pending → sending (claimed by one worker's batch) → sent / failed, or
pending → skipped when its subscriber stopped receiving before their batch came.
"""

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.models import CoBenefit
from resilience_portal.permissions import is_programme_staff

from .case_study import LANGUAGE_CHOICES, CaseStudy

# Topics a subscriber may ask to hear about: the resilience co-benefits challenges use.
TOPIC_CHOICES = CoBenefit.choices


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Those an issue goes to: confirmed, not unsubscribed, not bounced."""
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def visible_to(self, user):
        """Addresses are for programme staff only."""
        return self if is_programme_staff(user) else self.none()


class Subscriber(models.Model):
    """An e-mail address that asked for the newsletter; it needs no account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")

    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default=settings.LANGUAGE_CODE
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The consent record: the exact words agreed to, in the language shown, and when.
    consent_text = models.TextField(_("consent agreed to"))
    consented_at = models.DateTimeField(_("consent given"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    CONFIRM_SALT = "casestudies.newsletter.confirm"
    UNSUBSCRIBE_SALT = "casestudies.newsletter.unsubscribe"
    MANAGE_SALT = "casestudies.newsletter.manage"

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_once"),
        ]

    def __str__(self):
        return self.email

    def is_receiving(self):
        return self.status == self.Status.CONFIRMED

    def can_unsubscribe(self):
        return self.status in (self.Status.PENDING, self.Status.CONFIRMED)

    def topic_labels(self):
        labels = dict(TOPIC_CHOICES)
        return [labels.get(code, code) for code in self.topics]

    # --- signed links ---------------------------------------------------------------
    # Unsubscribe and manage links never expire: they sit in every issue, also old ones.
    # The confirmation link is timestamped and checked against a lifetime when used.

    def confirm_token(self):
        return signing.TimestampSigner(salt=self.CONFIRM_SALT).sign(str(self.pk))

    def unsubscribe_token(self):
        return signing.Signer(salt=self.UNSUBSCRIBE_SALT).sign(str(self.pk))

    def manage_token(self):
        return signing.Signer(salt=self.MANAGE_SALT).sign(str(self.pk))

    @classmethod
    def id_from_token(cls, token, *, salt, max_age=None):
        """The subscriber id a link carries, or None for a forged, mangled or too old link."""
        try:
            if max_age is None:
                value = signing.Signer(salt=salt).unsign(token)
            else:
                value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
            return int(value)
        except (signing.BadSignature, ValueError):
            return None

    def get_unsubscribe_url(self):
        return reverse("casestudies:newsletter_unsubscribe", args=[self.unsubscribe_token()])

    def get_manage_url(self):
        return reverse("casestudies:newsletter_manage", args=[self.manage_token()])


class NewsletterIssueQuerySet(models.QuerySet):
    def sent(self):
        """Readable on the web by anyone: issues that have gone out."""
        return self.filter(status=NewsletterIssue.Status.SENT)

    def visible_to(self, user):
        """Staff see every issue; everyone else only the sent ones."""
        return self if is_programme_staff(user) else self.sent()

    def with_progress(self):
        """Each issue's delivery counts, in the same query."""
        status = Delivery.Status
        return self.annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
            remaining_count=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[status.PENDING, status.SENDING]),
            ),
        )


class NewsletterIssue(models.Model):
    """One issue: subject, introduction and featured case studies, in English and in the
    languages it is translated into. Each subscriber gets their language, else English."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    introduction = models.TextField(_("introduction (Markdown)"), blank=True)
    featured = models.ManyToManyField(
        CaseStudy,
        verbose_name=_("featured case studies"),
        related_name="newsletter_issues",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsletterIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                name="newsletter_issue_scheduled_has_time",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("casestudies:newsletter_issue", args=[self.pk])

    def get_staff_url(self):
        return reverse("casestudies:newsletter_staff_issue", args=[self.pk])

    # --- predicates the templates ask -------------------------------------------------

    def can_edit(self):
        return self.status == self.Status.DRAFT

    def can_schedule(self):
        return self.status == self.Status.DRAFT

    def can_unschedule(self):
        return self.status == self.Status.SCHEDULED

    def can_send_now(self):
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    def can_pause(self):
        return self.status == self.Status.SENDING

    def can_resume(self):
        return self.status == self.Status.PAUSED

    def is_in_progress(self):
        return self.status in (self.Status.SCHEDULED, self.Status.SENDING)

    # --- reading in a language ------------------------------------------------------

    def text_for(self, language):
        """Subject and introduction in ``language`` where translated, else the English ones."""
        if language != settings.LANGUAGE_CODE:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("translations")
            translations = prefetched if prefetched is not None else self.translations.all()
            for translation in translations:
                if translation.language == language:
                    return translation
        return self

    @property
    def language(self):
        return settings.LANGUAGE_CODE

    def progress(self):
        """Sent, failed, skipped and remaining deliveries, counted in one query."""
        status = Delivery.Status
        counts = self.deliveries.aggregate(
            sent=Count("pk", filter=Q(status=status.SENT)),
            failed=Count("pk", filter=Q(status=status.FAILED)),
            skipped=Count("pk", filter=Q(status=status.SKIPPED)),
            remaining=Count("pk", filter=Q(status__in=[status.PENDING, status.SENDING])),
            total=Count("pk"),
        )
        counts["done"] = counts["total"] - counts["remaining"]
        return counts


class NewsletterIssueTranslation(models.Model):
    """The subject and introduction of an issue in one more language."""

    issue = models.ForeignKey(
        NewsletterIssue, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    subject = models.CharField(_("subject"), max_length=200)
    introduction = models.TextField(_("introduction (Markdown)"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("newsletter issue translation")
        verbose_name_plural = _("newsletter issue translations")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "language"], name="newsletter_translation_once_per_language"
            ),
        ]

    def __str__(self):
        return f"{self.subject} ({self.language})"


class Delivery(models.Model):
    """One issue to one subscriber: created when sending starts, claimed by exactly one
    worker's batch with a conditional UPDATE, so nobody is sent an issue twice.

    ``claim`` names the batch that holds the row; ``attempted_at`` is written (again
    conditionally) just before the message is handed to the mail server, so a row of a
    lost worker is either certainly unsent (no attempt: it goes back to pending) or in
    doubt (attempted, not confirmed: it is recorded as failed, never sent twice).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent: no longer subscribed")

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    language = models.CharField(max_length=8, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_once_per_issue"),
        ]
        indexes = [
            models.Index(fields=["issue", "status", "id"], name="delivery_issue_status"),
            models.Index(fields=["claim"], name="delivery_claim"),
        ]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"
