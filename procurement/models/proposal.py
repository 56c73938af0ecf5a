"""Proposals: one per SME per challenge, sealed until the deadline, with signed receipts.

Every act on a proposal locks its row and reads the server clock inside the lock,
so a form opened before the deadline and posted after it is refused, and two
members of the same SME cannot race each other into two proposals.
"""

import hashlib
import json
import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import City
from resilience_portal import scanning
from resilience_portal.permissions import is_programme_staff
from resilience_portal.storage import private_storage
from smes.models import SME

from .challenge import CURRENCY_CHOICES, Challenge

ANSWER_FIELDS = ("solution", "approach", "team", "timeline", "co_benefits_delivered")


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sealed-bid rule, once for every page, export, admin view and e-mail.

        An SME's members always see their own proposals. The city's officials and
        programme staff see submitted proposals only once the deadline has passed by
        the clock, whatever status the challenge has recorded. Evaluators on the
        challenge's panel join them under the same clock, for each SME they have declared
        no conflict with.
        """
        if not user.is_authenticated:
            return self.none()
        own = Q(sme__in=SME.objects.filter(memberships__user=user))
        unsealed = Q(status__in=Proposal.SUBMITTED_STATUSES) & Q(
            challenge__in=Challenge.objects.unsealed()
        )
        # By name, as a string foreign key would: the evaluation models build on proposals.
        declarations = apps.get_model("procurement", "ConflictDeclaration")
        seats = declarations.objects.filter(
            seat__user=user, seat__challenge=OuterRef("challenge"), sme=OuterRef("sme")
        )
        if is_programme_staff(user):
            readers = Q()
        else:
            readers = Q(challenge__city__in=City.objects.represented_by(user))
            # An evaluator reads a proposal once they have declared no conflict with its SME.
            readers |= Exists(seats.filter(conflicted=False))
        # A declared conflict hides the proposal from that person by every route, whatever
        # else they are (an official of the city, programme staff).
        return self.filter(own | (unsealed & readers & ~Exists(seats.filter(conflicted=True))))

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(sme__in=SME.objects.filter(memberships__user=user))


class Proposal(models.Model):
    """An SME's answer to a challenge; content is sealed until the challenge's deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # Set by the evaluation, which builds on these proposals later.
        SHORTLISTED = "shortlisted", _("Shortlisted")
        AWARDED = "awarded", _("Awarded")
        UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
        DISQUALIFIED = "disqualified", _("Disqualified")

    SUBMITTED_STATUSES = ("submitted", "shortlisted", "awarded", "unsuccessful", "disqualified")

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="proposals")
    sme = models.ForeignKey(SME, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    solution = models.TextField(
        _("your solution"),
        blank=True,
        help_text=_("What you propose and how it solves the problem the city described."),
    )
    approach = models.TextField(
        _("approach"),
        blank=True,
        help_text=_(
            "How you would pilot it with the city: steps, partners, what you need from the city."
        ),
    )
    team = models.TextField(
        _("team"), blank=True, help_text=_("Who would do the work and what they have done before.")
    )
    timeline = models.TextField(
        _("timeline"), blank=True, help_text=_("Milestones from award to a working pilot.")
    )
    co_benefits_delivered = models.TextField(
        _("co-benefits delivered"),
        blank=True,
        help_text=_(
            "Local jobs, emissions avoided, people reached: what, and how you will measure it."
        ),
    )
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    version = models.PositiveIntegerField(_("submitted version"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    receipt_digest = models.CharField(_("receipt digest (SHA-256)"), max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed after an amendment"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["challenge", "sme__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "sme"], name="proposal_one_per_sme"),
            models.CheckConstraint(condition=Q(price__gte=0), name="proposal_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.sme} — {self.challenge}"

    def get_absolute_url(self):
        return reverse("procurement:proposal_detail", kwargs={"pk": self.pk})

    # --- the receipt -------------------------------------------------------------------

    def receipt_content(self):
        """What a receipt's digest covers: the answers, the price and each attachment's digest."""
        return {
            "challenge": self.challenge.slug,
            "sme": self.sme.legal_name,
            "answers": {name: getattr(self, name) for name in ANSWER_FIELDS},
            "price": None if self.price is None else f"{self.price:.2f}",
            "currency": self.currency,
            "attachments": sorted(
                (
                    {"name": a.name, "sha256": a.sha256, "size": a.size}
                    for a in self.attachments.all()
                ),
                key=lambda a: (a["sha256"], a["name"]),
            ),
        }

    @staticmethod
    def canonical_bytes(content):
        return json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")

    @classmethod
    def digest_of(cls, content):
        return hashlib.sha256(cls.canonical_bytes(content)).hexdigest()

    # --- who and when ------------------------------------------------------------------

    def is_member(self, user):
        return user.is_authenticated and self.sme.memberships.filter(user=user).exists()

    @property
    def edit_mark(self):
        return self.updated_at.isoformat() if self.updated_at else ""

    @property
    def autosaves(self):
        """Saved as the member types: only a draft, since saving a submitted one resubmits it."""
        return self.status == self.Status.DRAFT

    def is_sealed(self, now=None):
        """True while no reader but the SME may see the content (and always for unsent drafts)."""
        return not (
            self.status in self.SUBMITTED_STATUSES and self.challenge.proposals_unsealed(now)
        )

    def is_editable(self, now=None):
        return self.status in (
            self.Status.DRAFT,
            self.Status.SUBMITTED,
            self.Status.WITHDRAWN,
        ) and self.challenge.submissions_open(now)

    def can_edit(self, user):
        """Change the answers or files: the SME's members, before the deadline."""
        return self.is_editable() and self.is_member(user)

    def can_submit(self, user):
        return self.status != self.Status.SUBMITTED and self.can_edit(user)

    def can_withdraw(self, user):
        return self.status == self.Status.SUBMITTED and self.can_edit(user)

    # --- after an amendment -------------------------------------------------------------

    def submitted_after_last_amendment(self):
        amended_at = self.challenge.terms_last_amended_at
        return bool(amended_at and self.submitted_at and self.submitted_at >= amended_at)

    def confirmed_after_last_amendment(self):
        amended_at = self.challenge.terms_last_amended_at
        return bool(amended_at and self.confirmed_at and self.confirmed_at >= amended_at)

    def stands_after_last_amendment(self):
        """True when the SME submitted, revised or confirmed this proposal knowing the terms
        as they now are: after the last amendment of the criteria, problem or outcomes."""
        return self.challenge.terms_last_amended_at is None or (
            self.submitted_after_last_amendment() or self.confirmed_after_last_amendment()
        )

    def awaits_confirmation(self, now=None):
        """A submitted proposal the terms changed under, while the SME can still answer."""
        return (
            self.status == self.Status.SUBMITTED
            and self.challenge.submissions_open(now)
            and not self.stands_after_last_amendment()
        )

    def missing_for_submission(self):
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in ("solution", "approach")
            if not getattr(self, name).strip()
        ]
        if self.price is None:
            missing.append(str(_("price")))
        if not self.currency:
            missing.append(str(_("currency")))
        return missing


def proposal_attachment_path(instance, filename):
    # Never the uploader's file name: a random name in a folder of the proposal.
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}"


class ProposalAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(proposal__in=Proposal.objects.visible_to(user))


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=proposal_attachment_path, storage=private_storage)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = scanning.status_field()

    objects = ProposalAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


scanning.register(ProposalAttachment)


class ProposalVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(proposal__in=Proposal.objects.visible_to(user))


class ProposalVersion(models.Model):
    """A frozen submission: the receipt's content and its SHA-256 digest."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField()
    digest = models.CharField(max_length=64)

    objects = ProposalVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique"),
        ]

    def __str__(self):
        return f"{self.proposal} v{self.number}"

    def canonical_bytes(self):
        return Proposal.canonical_bytes(self.content)


class ChallengeNotice(models.Model):
    """One e-mail sent to one person about a challenge: a retried batch never sends twice."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user", "kind"], name="challenge_notice_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.user_id}"
