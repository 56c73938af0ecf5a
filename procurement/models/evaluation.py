"""The evaluation of a challenge: its panel, conflicts, scores, consensus, award and standstill.

A panel seat is the evaluator's whole access: an evaluator sees the challenge they sit
on and nothing else of the city. Each evaluator declares, per bidding SME, whether they
have a conflict before any proposal opens to them (``Proposal.objects.visible_to`` reads
the declarations). Scores are 0-10 per criterion with a comment; the chair moderates to a
consensus and records the award, after which a standstill runs before the award is final.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resilience_portal.invitations import SignedInvitation
from resilience_portal.refusals import Refused
from smes.models import SME

from .challenge import CURRENCY_CHOICES, Challenge, Criterion
from .proposal import Proposal

MAX_SCORE = 10
# A score this far from the mean of the other evaluators' scores on the same cell is flagged.
OUTLIER_GAP = 3


def one_decimal(value):
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class PanelSeatQuerySet(models.QuerySet):
    def of(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class PanelSeat(models.Model):
    """One evaluator on one challenge's panel; at most one seat per challenge is the chair's."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="panel_seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_seats"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)
    conflicts_declared_at = models.DateTimeField(_("conflicts declared"), null=True, blank=True)
    scores_submitted_at = models.DateTimeField(_("scores submitted"), null=True, blank=True)

    objects = PanelSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        ordering = ["-is_chair", "appointed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user"], name="panel_seat_once"),
            models.UniqueConstraint(
                fields=["challenge"], condition=Q(is_chair=True), name="panel_one_chair"
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.challenge}"

    @property
    def has_declared(self):
        return self.conflicts_declared_at is not None

    @property
    def has_submitted(self):
        return self.scores_submitted_at is not None


class PanelInvitation(SignedInvitation):
    """An outside expert invited by e-mail to sit on one challenge's panel."""

    signing_salt = "procurement.panel-invitation"
    lifetime = timedelta(days=14)

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="panel_invitations"
    )

    class Meta(SignedInvitation.Meta):
        verbose_name = _("panel invitation")
        verbose_name_plural = _("panel invitations")

    def __str__(self):
        return f"{self.email} → {self.challenge}"

    def get_absolute_url(self):
        return reverse("procurement:panel_invitation", kwargs={"token": self.token})

    @classmethod
    def from_token(cls, token):
        try:
            invitation_id = cls.id_from_token(token)
        except signing.SignatureExpired as error:
            raise Refused(_("This invitation has expired; ask for a new one.")) from error
        except signing.BadSignature as error:
            raise Refused(_("This invitation link is not valid.")) from error
        invitation = cls.objects.select_related("challenge").filter(pk=invitation_id).first()
        if invitation is None:
            raise Refused(_("This invitation link is not valid."))
        return invitation


class ConflictDeclaration(models.Model):
    """An evaluator's answer, for one bidding SME, to "do you have a conflict of interest?"."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="declarations")
    sme = models.ForeignKey(SME, on_delete=models.CASCADE, related_name="+")
    conflicted = models.BooleanField(_("conflict of interest"))
    note = models.TextField(_("nature of the conflict"), blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")
        constraints = [
            # Declared once: a conflict hides the proposal for good.
            models.UniqueConstraint(fields=["seat", "sme"], name="conflict_declared_once"),
        ]

    def __str__(self):
        return f"{self.seat.user} / {self.sme}: {self.conflicted}"


class Score(models.Model):
    """One evaluator's score of one proposal on one criterion; a draft until the seat submits."""

    seat = models.ForeignKey(PanelSeat, on_delete=models.CASCADE, related_name="scores")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score (0-10)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "proposal", "criterion"], name="score_once_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=MAX_SCORE),
                name="score_between_0_and_10",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.score}"


class ConsensusScore(models.Model):
    """The chair's moderated score of a proposal on a criterion, with a reason when it
    departs from the panel's mean."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="consensus_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(
        _("consensus score"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)],
    )
    mean = models.DecimalField(_("panel mean"), max_digits=3, decimal_places=1)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="consensus_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=MAX_SCORE), name="consensus_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(score=models.F("mean")) | ~Q(reason=""),
                name="consensus_reason_when_departing",
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}/{self.criterion_id}: {self.score}"


class Disqualification(models.Model):
    """Why the chair disqualified a proposal; the bidder reads it in its debrief."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="disqualification"
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disqualification")
        verbose_name_plural = _("disqualifications")

    def __str__(self):
        return f"{self.proposal}: {self.reason[:40]}"


class AwardQuerySet(models.QuerySet):
    def due_to_become_final(self, now=None):
        return self.filter(final_at__isnull=True, standstill_ends_at__lte=now or timezone.now())


class Award(models.Model):
    """The chair's award of a challenge to one proposal; final when the standstill ends.

    A pilot hangs on the award once it is final.
    """

    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="award")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="award")
    sme = models.ForeignKey(SME, on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    justification = models.TextField(_("justification"))
    bidders = models.PositiveIntegerField(_("number of proposals"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("awarded"))
    standstill_ends_at = models.DateTimeField(_("standstill ends"))
    # Recorded by the beat once the standstill has ended; pages read ``is_final()`` instead.
    final_at = models.DateTimeField(_("final since"), null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(standstill_ends_at__gte=models.F("decided_at")),
                name="award_standstill_after_decision",
            ),
        ]

    def __str__(self):
        return f"{self.challenge}: {self.sme}"

    def is_final(self, now=None):
        """Final once the standstill has ended, by the clock, whether or not the beat ran."""
        return (now or timezone.now()) >= self.standstill_ends_at

    def in_standstill(self, now=None):
        return not self.is_final(now)


class StandstillQuestion(models.Model):
    """An unsuccessful bidder's one question to the chair during the standstill, and the answer."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="questions")
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="standstill_question"
    )
    question = models.TextField(_("your question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("standstill question")
        verbose_name_plural = _("standstill questions")
        ordering = ["asked_at", "id"]

    def __str__(self):
        return self.question[:60]

    @property
    def is_answered(self):
        return self.answered_at is not None
