"""Challenges: a city's problem put to local SMEs, its criteria, timeline, questions and amendments.

A challenge moves draft → pending approval → published → closed → evaluating →
awarded / cancelled. The deadline is enforced by comparing the server clock with
``submissions_close`` whenever a request arrives; the recorded ``closed`` status
follows it (the beat task, or the next act on the challenge) but never decides anything
on its own: pages read ``status_now()``, so they stay right while the beat is down, and
no page writes.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cohorts.models import City, CityMembership, Cohort
from resilience_portal import scanning
from resilience_portal.permissions import is_programme_staff
from resilience_portal.refusals import Refused
from smes.models import SME, Sector

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


PUBLIC_STATUSES = ("published", "closed", "evaluating", "awarded", "cancelled")
CANCELLABLE_STATUSES = ("draft", "pending_approval", "published", "closed", "evaluating")


class ChallengeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Published ones to everyone; drafts to their city's officials and, once sent, to staff."""
        visible = Q(status__in=PUBLIC_STATUSES)
        if user.is_authenticated:
            visible |= Q(city__in=City.objects.represented_by(user))
            if is_programme_staff(user):
                visible |= Q(status=Challenge.Status.PENDING_APPROVAL)
        return self.filter(visible)

    def for_smes_of(self, user):
        """Challenges taking proposals now in the city of one of the user's SMEs and in a
        sector of that same SME (what an SME's dashboard offers it), soonest deadline first."""
        sector_in_city = SME.sectors.through.objects.filter(
            sme__memberships__user=user,
            sme__city=OuterRef("city"),
            sector__challenges=OuterRef("pk"),
        )
        return (
            self.open_for_submissions()
            .filter(Exists(sector_in_city))
            .select_related("city")
            .order_by("submissions_close")
        )

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(city__in=City.objects.represented_by(user))

    # The deadline rule as queries: these two are the only filters on ``submissions_close``
    # that decide anything, the twins of ``submissions_open()`` and ``proposals_unsealed()``.

    def open_for_submissions(self, now=None):
        """Taking proposals now, by the clock, whatever close has been recorded."""
        return self.filter(
            status=Challenge.Status.PUBLISHED, submissions_close__gt=now or timezone.now()
        )

    def unsealed(self, now=None):
        """Challenges whose submitted proposals their readers may open now."""
        return (
            self.filter(submissions_close__lte=now or timezone.now())
            .exclude(status=Challenge.Status.DRAFT)
            .exclude(status=Challenge.Status.CANCELLED, closed_at__isnull=True)
        )

    def due_to_close(self, now=None):
        """Past the deadline but not yet recorded as closed (the beat's work list)."""
        return self.unsealed(now).filter(status=Challenge.Status.PUBLISHED)

    def in_status_now(self, status, now=None):
        """Those whose status, as the clock reads it (``Challenge.status_now``), is ``status``."""
        if status == Challenge.Status.PUBLISHED:
            return self.open_for_submissions(now)
        if status == Challenge.Status.CLOSED:
            return self.filter(status=status) | self.due_to_close(now)
        return self.filter(status=status)

    def closing_soon(self, days=14):
        now = timezone.now()
        return self.open_for_submissions(now).filter(
            submissions_close__lte=now + timedelta(days=days)
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

    def status_now(self, now=None):
        """The status as the clock reads it: an open challenge past its deadline is closed,
        whether or not the beat has recorded the close yet."""
        if self.status == self.Status.PUBLISHED and self.deadline_passed(now):
            return self.Status.CLOSED
        return self.Status(self.status)

    def status_now_display(self):
        return self.status_now().label

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
        if not user.is_authenticated:
            return False
        # Asked once per user by each loaded challenge: a page asks several predicates.
        known = self.__dict__.setdefault("_official_for", {})
        if user.pk not in known:
            known[user.pk] = (
                CityMembership.objects.verified().filter(city_id=self.city_id, user=user).exists()
            )
        return known[user.pk]

    def can_read_proposals(self, user):
        return self.proposals_unsealed() and (self.is_official(user) or is_programme_staff(user))

    def can_edit(self, user):
        """Edit the draft, add its documents, send it for approval: the city, while a draft."""
        return self.status == self.Status.DRAFT and self.is_official(user)

    def can_amend(self, user):
        return self.submissions_open() and self.is_official(user)

    def can_review(self, user):
        """Approve or send back: programme staff, while it waits for them."""
        return self.status == self.Status.PENDING_APPROVAL and is_programme_staff(user)

    def can_start_evaluation(self, user):
        return self.status_now() == self.Status.CLOSED and (
            self.is_official(user) or is_programme_staff(user)
        )

    def can_cancel(self, user):
        return self.status in CANCELLABLE_STATUSES and (
            self.is_official(user) or is_programme_staff(user)
        )

    def ineligibility(self, sme, *, sectors=None):
        """Why ``sme`` may not propose, each reason with what to do next and where:
        a list of ``(reason, next step, link, link text)``; empty when it may propose.

        ``sectors``: the challenge's sectors when the caller has them already.
        """
        reasons = []
        values = {"sme": sme, "city": self.city.name}
        profile = sme.get_absolute_url()
        if sme.awaits_decision:
            reasons.append(
                (
                    _("%(sme)s is waiting for verification by programme staff.") % values,
                    _(
                        "Only verified SMEs may propose. Staff usually decide within a few working days; you will be told by e-mail."
                    ),
                    profile,
                    _("See the verification status"),
                )
            )
        elif sme.is_rejected:
            reasons.append(
                (
                    _("Programme staff did not verify %(sme)s.") % values,
                    _(
                        "Read the reason on the SME's page, fix the profile or documents, and ask again."
                    ),
                    profile,
                    _("Open the SME's page"),
                )
            )
        elif not sme.is_verified:
            reasons.append(
                (
                    _("%(sme)s is not verified yet.") % values,
                    _(
                        "Complete the profile, upload the registration documents and ask for verification."
                    ),
                    profile,
                    _("Complete the profile"),
                )
            )
        elsewhere = reverse("procurement:challenge_list") + f"?city={sme.city.slug}"
        if self.eligibility == self.Eligibility.VERIFIED_IN_CITY and sme.city_id != self.city_id:
            reasons.append(
                (
                    _("Only SMEs based in %(city)s may propose; %(sme)s is based in %(own)s.")
                    % {**values, "own": sme.city.name},
                    _("Look for open challenges of your own city."),
                    elsewhere,
                    _("Challenges in %(own)s") % {"own": sme.city.name},
                )
            )
        elif (
            self.eligibility == self.Eligibility.VERIFIED_IN_COUNTRY
            and sme.country != self.city.country
        ):
            reasons.append(
                (
                    _("Only SMEs registered in the country of %(city)s may propose.") % values,
                    _(
                        "A partnership led by a local SME may; ask the city through the questions below."
                    ),
                    elsewhere,
                    _("Challenges in %(own)s") % {"own": sme.city.name},
                )
            )
        if reasons:
            sectors = list(self.sectors.all() if sectors is None else sectors)
            own = {sector.pk for sector in sme.sectors.all()}
            if sectors and not own & {sector.pk for sector in sectors}:
                reasons.append(
                    (
                        _("%(sme)s is not registered in this challenge's sectors (%(sectors)s).")
                        % {**values, "sectors": ", ".join(str(sector) for sector in sectors)},
                        _(
                            "If you do this kind of work, add the sector to your profile: SMEs in a challenge's sectors are told when one is published."
                        ),
                        reverse("smes:edit", kwargs={"slug": sme.slug}),
                        _("Edit the profile"),
                    )
                )
        return reasons

    def is_eligible(self, sme):
        if not sme.is_verified:
            return False
        if self.eligibility == self.Eligibility.VERIFIED_IN_COUNTRY:
            return sme.country == self.city.country
        if self.eligibility == self.Eligibility.VERIFIED_IN_CITY:
            return sme.city_id == self.city_id
        return True

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

    @cached_property
    def terms_last_amended_at(self):
        """When an amendment last changed what bidders answer to, or None if none did."""
        return self.amendments.filter(changes_terms=True).aggregate(at=Max("created_at"))["at"]

    def criteria_total(self):
        return self.criteria.aggregate(total=Sum("weight"))["total"] or 0

    def check_ready_for_approval(self):
        if self.criteria_total() != 100:
            raise Refused(
                _("The criteria weights add up to %(total)s; they must add up to 100.")
                % {"total": self.criteria_total()}
            )
        if self.submissions_close <= timezone.now():
            raise Refused(_("The submission deadline is already past."))


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
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = scanning.status_field()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


scanning.register(ChallengeAttachment)


class Amendment(models.Model):
    """A dated, public change to a published challenge's timeline or criteria.

    Made only through ``services.amend_challenge``.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="amendments")
    summary = models.TextField(_("what changed and why"))
    changes = models.JSONField(default=dict)
    # Criteria, problem or outcomes changed: bidders who had submitted are asked to confirm
    # or revise, and the deadline was kept at least the minimum notice away.
    changes_terms = models.BooleanField(_("changes the terms"), default=False)
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
            visible |= Q(challenge__city__in=City.objects.represented_by(user))
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
