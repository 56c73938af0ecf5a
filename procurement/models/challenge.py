"""Challenges: a city's problem put to local SMEs, its criteria, timeline, questions and amendments.

A challenge moves draft → pending approval → published → closed → evaluating →
awarded / cancelled. The deadline is enforced by comparing the server clock with
``submissions_close`` whenever a request arrives; the recorded ``closed`` status
follows it (beat task and first access) but never decides anything on its own.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, CityMembership, Cohort
from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff

from .sme import SME, Sector

CURRENCY_CHOICES = [
    ("THB", "THB"),
    ("IDR", "IDR"),
    ("VND", "VND"),
    ("PHP", "PHP"),
    ("MYR", "MYR"),
    ("INR", "INR"),
    ("USD", "USD"),
]


class CoBenefit(models.TextChoices):
    CLIMATE = "climate", _("Climate")
    EQUITY = "equity", _("Equity and inclusion")
    JOBS = "jobs", _("Local jobs")
    HEALTH = "health", _("Health")
    NATURE = "nature", _("Nature and biodiversity")
    GENDER = "gender", _("Gender equality")
    DISASTER = "disaster", _("Disaster risk reduction")


class TransitionRefused(ValidationError):
    """A state change asked for in the wrong state, or by the wrong person, or too late."""


PUBLIC_STATUSES = ("published", "closed", "evaluating", "awarded", "cancelled")


class ChallengeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Published ones to everyone; drafts to their city's officials and, once sent, to staff."""
        visible = Q(status__in=PUBLIC_STATUSES)
        if user.is_authenticated:
            visible |= Q(city__in=City.objects.filter(memberships__user=user))
            if is_programme_staff(user):
                visible |= Q(status=Challenge.Status.PENDING_APPROVAL)
        return self.filter(visible)

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(city__in=City.objects.filter(memberships__user=user))

    def due_to_close(self, now=None):
        return self.filter(
            status=Challenge.Status.PUBLISHED, submissions_close__lte=now or timezone.now()
        )

    def closing_soon(self, days=14):
        now = timezone.now()
        return self.filter(
            status=Challenge.Status.PUBLISHED,
            submissions_close__gt=now,
            submissions_close__lte=now + timedelta(days=days),
        )


class Challenge(models.Model):
    """A resilience problem a city wants local SMEs to solve."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        PUBLISHED = "published", _("Open")
        CLOSED = "closed", _("Closed")
        EVALUATING = "evaluating", _("Evaluating")
        AWARDED = "awarded", _("Awarded")
        CANCELLED = "cancelled", _("Cancelled")

    class Route(models.TextChoices):
        OPEN = "open", _("Open competition")
        PILOT = "pilot", _("Paid pilot, then possible contract")
        PRE_COMMERCIAL = "pre_commercial", _("Pre-commercial procurement")
        INNOVATION_PARTNERSHIP = "innovation_partnership", _("Innovation partnership")

    class Eligibility(models.TextChoices):
        VERIFIED_IN_COUNTRY = (
            "verified_country",
            _("Verified SMEs registered in the city's country"),
        )
        VERIFIED_IN_CITY = "verified_city", _("Verified SMEs based in the city")
        VERIFIED_ANYWHERE = "verified_any", _("Any verified SME")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="challenges"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="challenges"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=220, unique=True)
    problem_statement = models.TextField(_("problem statement"))
    desired_outcomes = models.TextField(_("desired outcomes"))
    co_benefits = models.JSONField(_("co-benefits"), default=list, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="challenges", blank=True
    )
    budget_min = models.DecimalField(_("budget from"), max_digits=14, decimal_places=2)
    budget_max = models.DecimalField(_("budget up to"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    procurement_route = models.CharField(
        _("procurement route"), max_length=32, choices=Route.choices, default=Route.PILOT
    )
    eligibility = models.CharField(
        _("who may propose"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.VERIFIED_IN_COUNTRY,
    )
    eligibility_notes = models.TextField(_("further eligibility notes"), blank=True)
    questions_close = models.DateTimeField(_("questions close"))
    submissions_close = models.DateTimeField(_("submissions close"), db_index=True)
    award_expected = models.DateTimeField(_("award expected"))
    standstill_days = models.PositiveSmallIntegerField(
        _("standstill period (days)"),
        default=10,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "After the award, unsuccessful SMEs may ask about the decision for this many days "
            "before it becomes final."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_comments = models.TextField(_("comments from programme staff"), blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["submissions_close", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__gte=0) & Q(budget_max__gte=models.F("budget_min")),
                name="challenge_budget_range",
            ),
            models.CheckConstraint(
                condition=Q(questions_close__lte=models.F("submissions_close")),
                name="challenge_questions_close_before_submissions",
            ),
            models.CheckConstraint(
                condition=Q(submissions_close__lte=models.F("award_expected")),
                name="challenge_award_after_submissions",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("procurement:challenge_detail", kwargs={"slug": self.slug})

    def co_benefit_labels(self):
        labels = dict(CoBenefit.choices)
        return [labels.get(code, code) for code in self.co_benefits]

    # --- reading the clock -------------------------------------------------------------

    def submissions_open(self, now=None):
        """The one rule for the deadline: by the server clock, not by the recorded status."""
        return self.status == self.Status.PUBLISHED and (now or timezone.now()) < (
            self.submissions_close
        )

    def questions_open(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and now < self.questions_close

    def deadline_passed(self, now=None):
        return (now or timezone.now()) >= self.submissions_close

    def cancelled_before_deadline(self):
        # A close is recorded (closed_at) whenever a published challenge reaches its deadline,
        # so a cancelled challenge without one was cancelled while still open.
        return self.status == self.Status.CANCELLED and self.closed_at is None

    def proposals_unsealed(self, now=None):
        """Sealed until the deadline, and for good if the city cancelled before it: bids
        on a challenge the city gave up are never opened, so posting and cancelling cannot
        harvest SMEs' ideas."""
        return (
            self.status != self.Status.DRAFT
            and not self.cancelled_before_deadline()
            and self.deadline_passed(now)
        )

    # --- who ---------------------------------------------------------------------------

    def is_official(self, user):
        return (
            user.is_authenticated
            and CityMembership.objects.filter(city_id=self.city_id, user=user).exists()
        )

    def can_read_proposals(self, user):
        return self.proposals_unsealed() and (self.is_official(user) or is_programme_staff(user))

    def is_eligible(self, sme):
        if not sme.is_verified:
            return False
        if self.eligibility == self.Eligibility.VERIFIED_IN_COUNTRY:
            return sme.country == self.city.country
        if self.eligibility == self.Eligibility.VERIFIED_IN_CITY:
            return sme.city_id == self.city_id
        return True

    def eligible_smes_of(self, user):
        smes = SME.objects.filter(memberships__user=user)
        return [sme for sme in smes if self.is_eligible(sme)]

    # --- rules on content --------------------------------------------------------------

    def clean(self):
        errors = {}
        if (
            self.budget_min is not None
            and self.budget_max is not None
            and self.budget_max < self.budget_min
        ):
            errors["budget_max"] = _("The upper end cannot be below the lower end.")
        if (
            self.questions_close
            and self.submissions_close
            and self.questions_close > self.submissions_close
        ):
            errors["questions_close"] = _("Questions must close before submissions do.")
        if (
            self.submissions_close
            and self.award_expected
            and self.award_expected < self.submissions_close
        ):
            errors["award_expected"] = _("The award comes after submissions close.")
        if (
            self.city_id
            and self.cohort_id
            and not self.cohort.cities.filter(pk=self.city_id).exists()
        ):
            errors["cohort"] = _("The city is not a selected city of this cohort.")
        if errors:
            raise ValidationError(errors)

    def criteria_total(self):
        return self.criteria.aggregate(total=Sum("weight"))["total"] or 0

    def check_ready_for_approval(self):
        if self.criteria_total() != 100:
            raise TransitionRefused(
                _("The criteria weights add up to %(total)s; they must add up to 100.")
                % {"total": self.criteria_total()}
            )
        if self.submissions_close <= timezone.now():
            raise TransitionRefused(_("The submission deadline is already past."))

    # --- state changes -----------------------------------------------------------------

    def _refuse_unless(self, allowed, act):
        if self.status not in allowed:
            raise TransitionRefused(
                _("A challenge that is %(status)s cannot be %(act)s.")
                % {"status": self.get_status_display().lower(), "act": act}
            )

    def _change(self, status, *, by, action, message="", fields=(), **details):
        previous = self.status
        self.status = status
        self.save(update_fields=["status", "updated_at", *fields])
        audit.record(self, action, actor=by, message=message, previous=previous, **details)

    @transaction.atomic
    def submit_for_approval(self, *, by):
        if not self.is_official(by):
            raise TransitionRefused(_("Only the city's officials can submit its challenges."))
        self._refuse_unless({self.Status.DRAFT}, _("submitted for approval"))
        self.check_ready_for_approval()
        self._change(self.Status.PENDING_APPROVAL, by=by, action="challenge.submitted")
        from ..challenge_services import tell_staff_challenge_pending

        tell_staff_challenge_pending(self)

    @transaction.atomic
    def approve(self, *, by):
        if not is_programme_staff(by):
            raise TransitionRefused(_("Only programme staff approve challenges."))
        self._refuse_unless({self.Status.PENDING_APPROVAL}, _("approved"))
        self.check_ready_for_approval()
        self.published_at = timezone.now()
        self.review_comments = ""
        self._change(
            self.Status.PUBLISHED,
            by=by,
            action="challenge.published",
            fields=["published_at", "review_comments"],
        )
        from ..challenge_services import announce_published

        announce_published(self)

    @transaction.atomic
    def send_back(self, *, by, comments):
        if not is_programme_staff(by):
            raise TransitionRefused(_("Only programme staff review challenges."))
        if not comments.strip():
            raise TransitionRefused(_("Say what should change."))
        self._refuse_unless({self.Status.PENDING_APPROVAL}, _("sent back"))
        self.review_comments = comments
        self._change(
            self.Status.DRAFT,
            by=by,
            action="challenge.sent_back",
            message=comments,
            fields=["review_comments"],
        )
        from ..challenge_services import tell_officials_sent_back

        tell_officials_sent_back(self)

    def close_if_due(self, now=None):
        """Record the close once the deadline has passed; safe to call on every access."""
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now < self.submissions_close:
            return False
        with transaction.atomic():
            locked = Challenge.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.PUBLISHED or now < locked.submissions_close:
                return False
            locked.closed_at = now
            locked._change(
                self.Status.CLOSED, by=None, action="challenge.closed", fields=["closed_at"]
            )
        self.status, self.closed_at = locked.status, locked.closed_at
        return True

    @transaction.atomic
    def start_evaluation(self, *, by):
        if not (self.is_official(by) or is_programme_staff(by)):
            raise TransitionRefused(_("Only the city's officials or staff start the evaluation."))
        self.close_if_due()
        self._refuse_unless({self.Status.CLOSED}, _("evaluated yet"))
        self._change(self.Status.EVALUATING, by=by, action="challenge.evaluation_started")

    @transaction.atomic
    def cancel(self, *, by, reason):
        if not (self.is_official(by) or is_programme_staff(by)):
            raise TransitionRefused(_("Only the city's officials can cancel its challenges."))
        if not reason.strip():
            raise TransitionRefused(_("Give the reason for cancelling; every bidder will read it."))
        # A deadline passed but not yet recorded is recorded first: the bids were due to
        # open then, and cancelling afterwards does not seal them again.
        self.close_if_due()
        self._refuse_unless(
            {
                self.Status.DRAFT,
                self.Status.PENDING_APPROVAL,
                self.Status.PUBLISHED,
                self.Status.CLOSED,
                self.Status.EVALUATING,
            },
            _("cancelled"),
        )
        self.cancellation_reason = reason
        self._change(
            self.Status.CANCELLED,
            by=by,
            action="challenge.cancelled",
            message=reason,
            fields=["cancellation_reason"],
        )
        from ..challenge_services import tell_bidders_cancelled

        tell_bidders_cancelled(self)

    @transaction.atomic
    def amend(self, *, by, summary, questions_close=None, submissions_close=None, criteria=None):
        """Change a published challenge's timeline or criteria, in the open and dated.

        ``criteria`` is a list of (name, description, weight) replacing the current ones.
        """
        if not self.is_official(by):
            raise TransitionRefused(_("Only the city's officials amend its challenges."))
        locked = Challenge.objects.select_for_update().get(pk=self.pk)
        if not locked.submissions_open():
            raise TransitionRefused(_("Only an open challenge can be amended."))
        if not summary.strip():
            raise TransitionRefused(_("Explain the amendment; every bidder will read it."))
        now = timezone.now()
        changes = {}
        if submissions_close and submissions_close != self.submissions_close:
            if submissions_close <= now:
                raise TransitionRefused(_("The new deadline must be in the future."))
            changes["submissions_close"] = [
                self.submissions_close.isoformat(),
                submissions_close.isoformat(),
            ]
            self.submissions_close = submissions_close
            if self.award_expected < submissions_close:
                self.award_expected = submissions_close
        if questions_close and questions_close != self.questions_close:
            changes["questions_close"] = [
                self.questions_close.isoformat(),
                questions_close.isoformat(),
            ]
            self.questions_close = questions_close
        if self.questions_close > self.submissions_close:
            raise TransitionRefused(_("Questions must close before submissions do."))
        if criteria is not None:
            before = [[c.name, c.weight] for c in self.criteria.all()]
            after = [[name, weight] for name, _description, weight in criteria]
            if sum(weight for _n, _d, weight in criteria) != 100:
                raise TransitionRefused(_("The criteria weights must add up to 100."))
            if before != after:
                self.criteria.all().delete()
                Criterion.objects.bulk_create(
                    Criterion(challenge=self, name=n, description=d, weight=w, order=i)
                    for i, (n, d, w) in enumerate(criteria)
                )
                changes["criteria"] = [before, after]
        if not changes:
            raise TransitionRefused(_("Nothing was changed."))
        self.save(update_fields=["submissions_close", "questions_close", "award_expected"])
        amendment = Amendment.objects.create(
            challenge=self, summary=summary, changes=changes, created_by=by
        )
        audit.record(self, "challenge.amended", actor=by, message=summary, **changes)
        from ..challenge_services import tell_bidders_amended

        tell_bidders_amended(amendment)
        return amendment


class Criterion(models.Model):
    """One evaluation criterion; a challenge's weights add up to 100."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=160)
    description = models.TextField(_("what the panel looks for"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100), name="criterion_weight_1_100"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


def challenge_attachment_path(instance, filename):
    # The uploader's file name is never part of the stored path.
    import uuid

    return f"challenges/{instance.challenge_id}/{uuid.uuid4().hex}"


class ChallengeAttachment(models.Model):
    """A public document of a challenge (site maps, data, the terms)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=challenge_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Amendment(models.Model):
    """A dated, public change to a published challenge's timeline or criteria."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="amendments")
    summary = models.TextField(_("what changed and why"))
    changes = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dated"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.challenge}: {self.created_at:%Y-%m-%d}"


class ClarificationQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(answered_at__isnull=False)

    def visible_to(self, user):
        """Answered questions of visible challenges; unanswered ones to the asker's SME and the city."""
        challenges = Challenge.objects.visible_to(user)
        visible = Q(answered_at__isnull=False)
        if user.is_authenticated:
            visible |= Q(sme__memberships__user=user)
            visible |= Q(challenge__city__memberships__user=user)
        return self.filter(Q(challenge__in=challenges) & visible).distinct()


class Clarification(models.Model):
    """A question an SME asks and the city answers; published without the asker's identity."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="clarifications"
    )
    sme = models.ForeignKey(SME, on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ClarificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["asked_at", "id"]

    def __str__(self):
        return self.question[:60]

    @classmethod
    @transaction.atomic
    def ask(cls, challenge, *, sme, by, question):
        if not SME.objects.filter(pk=sme.pk, memberships__user=by).exists():
            raise TransitionRefused(_("Only members of the SME can ask on its behalf."))
        if not challenge.questions_open():
            raise TransitionRefused(_("Questions on this challenge are closed."))
        if not question.strip():
            raise TransitionRefused(_("Write your question."))
        clarification = cls.objects.create(
            challenge=challenge, sme=sme, asked_by=by, question=question
        )
        audit.record(clarification, "clarification.asked", actor=by)
        from ..challenge_services import tell_officials_question_asked

        tell_officials_question_asked(clarification)
        return clarification

    @transaction.atomic
    def publish_answer(self, *, by, answer):
        if not self.challenge.is_official(by):
            raise TransitionRefused(_("Only the city's officials answer questions."))
        if not answer.strip():
            raise TransitionRefused(_("Write the answer."))
        if self.challenge.status not in (Challenge.Status.PUBLISHED, Challenge.Status.CLOSED):
            raise TransitionRefused(_("This challenge no longer takes answers."))
        first = self.answered_at is None
        self.answer = answer
        self.answered_by = by
        self.answered_at = timezone.now()
        self.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(
            self, "clarification.answered" if first else "clarification.corrected", actor=by
        )
        from ..challenge_services import tell_bidders_question_answered

        tell_bidders_question_answered(self)
