"""Proposals: one per SME per challenge, sealed until the deadline, with signed receipts.

Every act on a proposal locks its row and reads the server clock inside the lock,
so a form opened before the deadline and posted after it is refused, and two
members of the same SME cannot race each other into two proposals.
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import City
from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff
from resilience_portal.storage import private_storage

from .challenge import CURRENCY_CHOICES, Challenge, TransitionRefused
from .sme import SME

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
        unsealed = (
            Q(status__in=Proposal.SUBMITTED_STATUSES)
            & Q(challenge__submissions_close__lte=timezone.now())
            & ~Q(challenge__status=Challenge.Status.DRAFT)
            & ~Q(challenge__status=Challenge.Status.CANCELLED, challenge__closed_at__isnull=True)
        )
        from .evaluation import ConflictDeclaration

        seats = ConflictDeclaration.objects.filter(
            seat__user=user, seat__challenge=OuterRef("challenge"), sme=OuterRef("sme")
        )
        if is_programme_staff(user):
            readers = Q()
        else:
            readers = Q(challenge__city__in=City.objects.filter(memberships__user=user))
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

    # --- state changes -----------------------------------------------------------------

    @classmethod
    def start(cls, challenge, *, sme, by):
        """The SME's proposal for ``challenge``, created once however many members click at once."""
        if not SME.objects.filter(pk=sme.pk, memberships__user=by).exists():
            raise TransitionRefused(_("Only members of the SME can propose on its behalf."))
        if not challenge.is_eligible(sme):
            raise TransitionRefused(_("This SME is not eligible for this challenge."))
        with transaction.atomic():
            # Locking the SME serialises its members; the unique constraint is the backstop.
            SME.objects.select_for_update().get(pk=sme.pk)
            existing = cls.objects.filter(challenge=challenge, sme=sme).first()
            if existing:
                return existing
            if not challenge.submissions_open():
                raise TransitionRefused(_("The deadline for this challenge has passed."))
            try:
                with transaction.atomic():
                    proposal = cls.objects.create(
                        challenge=challenge,
                        sme=sme,
                        currency=challenge.currency,
                        created_by=by,
                        updated_by=by,
                    )
            except IntegrityError:
                return cls.objects.get(challenge=challenge, sme=sme)
            audit.record(proposal, "proposal.started", actor=by)
            return proposal

    def _lock_for_change(self, by):
        """Lock the row, reload it and check the member and the clock, inside the transaction."""
        locked = (
            Proposal.objects.select_for_update().select_related("challenge", "sme").get(pk=self.pk)
        )
        if not locked.is_member(by):
            raise TransitionRefused(_("Only the SME's members can change its proposal."))
        now = timezone.now()
        if not locked.challenge.submissions_open(now):
            raise TransitionRefused(
                _("The deadline passed at %(deadline)s; nothing can change any more.")
                % {"deadline": locked.challenge.submissions_close.isoformat(timespec="seconds")}
            )
        if locked.status not in (self.Status.DRAFT, self.Status.SUBMITTED, self.Status.WITHDRAWN):
            raise TransitionRefused(_("This proposal can no longer be changed."))
        return locked, now

    def _reload(self, locked):
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    @transaction.atomic
    def save_answers(self, *, by, seen=None, **values):
        """Save edits; a submitted proposal is resubmitted at once with a new receipt.

        ``seen`` is the ``edit_mark`` of the version the editor started from: several
        members share one draft, and a colleague's newer save is never overwritten blind.
        """
        locked, now = self._lock_for_change(by)
        if seen is not None and seen != locked.edit_mark:
            raise TransitionRefused(
                _(
                    "A colleague saved this proposal after you opened it, so your changes are "
                    "not saved yet. Compare them with your colleague's version, then save again."
                )
            )
        for name, value in values.items():
            if name not in (*ANSWER_FIELDS, "price", "currency"):
                raise ValueError(name)
            setattr(locked, name, value)
        locked.updated_by = by
        locked.save()
        if locked.status == self.Status.SUBMITTED:
            locked._freeze(by=by, now=now, action="proposal.resubmitted")
        self._reload(locked)

    @transaction.atomic
    def submit(self, *, by):
        locked, now = self._lock_for_change(by)
        if locked.status == self.Status.SUBMITTED:
            raise TransitionRefused(_("This proposal is already submitted."))
        if not locked.challenge.is_eligible(locked.sme):
            # Eligibility is checked again at submission: a verification can be withdrawn.
            raise TransitionRefused(_("This SME is not eligible for this challenge."))
        missing = locked.missing_for_submission()
        if missing:
            raise TransitionRefused(
                _("Complete these before submitting: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        locked.status = self.Status.SUBMITTED
        locked._freeze(by=by, now=now, action="proposal.submitted")
        self._reload(locked)

    @transaction.atomic
    def withdraw(self, *, by):
        locked, _now = self._lock_for_change(by)
        if locked.status != self.Status.SUBMITTED:
            raise TransitionRefused(_("Only a submitted proposal can be withdrawn."))
        locked.status = self.Status.WITHDRAWN
        locked.updated_by = by
        locked.save(update_fields=["status", "updated_by", "updated_at"])
        audit.record(locked, "proposal.withdrawn", actor=by)
        from ..challenge_services import send_withdrawal_notice

        send_withdrawal_notice(locked)
        self._reload(locked)

    @transaction.atomic
    def add_attachment(self, *, by, upload, name, content_type, sha256):
        locked, now = self._lock_for_change(by)
        attachment = ProposalAttachment.objects.create(
            proposal=locked,
            file=upload,
            name=name,
            content_type=content_type,
            size=upload.size,
            sha256=sha256,
            uploaded_by=by,
        )
        audit.record(locked, "proposal.attachment_added", actor=by, sha256=sha256)
        if locked.status == self.Status.SUBMITTED:
            locked._freeze(by=by, now=now, action="proposal.resubmitted")
        self._reload(locked)
        return attachment

    @transaction.atomic
    def remove_attachment(self, attachment, *, by):
        locked, now = self._lock_for_change(by)
        attachment = locked.attachments.get(pk=attachment.pk)
        sha256 = attachment.sha256
        attachment.file.delete(save=False)
        attachment.delete()
        audit.record(locked, "proposal.attachment_removed", actor=by, sha256=sha256)
        if locked.status == self.Status.SUBMITTED:
            locked._freeze(by=by, now=now, action="proposal.resubmitted")
        self._reload(locked)

    def _freeze(self, *, by, now, action):
        """Record the submitted content as a numbered version and send its receipt."""
        content = self.receipt_content()
        digest = self.digest_of(content)
        self.version += 1
        self.submitted_at = now
        self.receipt_digest = digest
        self.updated_by = by
        self.save()
        receipt = ProposalVersion.objects.create(
            proposal=self,
            number=self.version,
            submitted_at=now,
            submitted_by=by,
            content=content,
            digest=digest,
        )
        audit.record(self, action, actor=by, version=self.version, digest=digest)
        from ..challenge_services import send_receipt

        send_receipt(receipt)


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

    objects = ProposalAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


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
