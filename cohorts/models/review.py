"""Staff reviews of applications: a conflict declaration or a 0-5 score per criterion."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resilience_portal import audit
from resilience_portal.permissions import is_programme_staff

from .application import CityApplication
from .cohort import SelectionCriterion
from .refusal import Refused

MAX_SCORE = 5


class Review(models.Model):
    application = models.ForeignKey(
        CityApplication, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_reviews"
    )
    conflict_declared = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_note = models.TextField(_("nature of the conflict"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_one_per_reviewer"
            ),
            # A conflicted reviewer's review is never a submitted score sheet.
            models.CheckConstraint(
                condition=models.Q(conflict_declared=False) | models.Q(submitted_at__isnull=True),
                name="review_conflicted_is_never_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} on {self.application}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @classmethod
    def for_reviewer(cls, application, user, *, opening=True):
        """The reviewer's own review of ``application``, opened on first use.

        With ``opening=False`` (reading the page) nothing is written: a review not yet
        opened comes back unsaved, and the first save or declaration opens it.
        """
        if not is_programme_staff(user):
            raise Refused(_("Only programme staff review applications."))
        if application.status != CityApplication.Status.UNDER_REVIEW:
            raise Refused(_("This application is not under review."))
        if application.city.has_official(user):
            raise Refused(_("You are an official of this city: you cannot review its application."))
        if not opening:
            review = cls.objects.filter(application=application, reviewer=user).first()
            return review or cls(application=application, reviewer=user)
        review, _created = cls.objects.get_or_create(application=application, reviewer=user)
        return review

    def _check_open(self):
        if self.conflict_declared:
            raise Refused(_("You declared a conflict of interest: you cannot score this city."))
        if self.is_submitted:
            raise Refused(_("Your review is already submitted."))

    def declare_conflict(self, *, note=""):
        if self.is_submitted:
            raise Refused(_("Your review is already submitted."))
        with transaction.atomic():
            self.conflict_declared = True
            self.conflict_note = note
            self.save(update_fields=["conflict_declared", "conflict_note", "updated_at"])
            self.scores.all().delete()
            audit.record(self.application, "review.conflict_declared", actor=self.reviewer)

    def save_scores(self, scores):
        """``scores`` maps criterion id to (score 0-5, comment)."""
        self._check_open()
        criteria = {c.id: c for c in self.application.cohort.criteria.all()}
        with transaction.atomic():
            for criterion_id, (score, comment) in scores.items():
                if criterion_id not in criteria:
                    raise Refused(_("That criterion is not one of this cohort's."))
                if score is not None and not 0 <= score <= MAX_SCORE:
                    raise Refused(_("Scores run from 0 to 5."))
                CriterionScore.objects.update_or_create(
                    review=self,
                    criterion=criteria[criterion_id],
                    defaults={"score": score, "comment": comment},
                )
            self.save(update_fields=["updated_at"])

    def submit(self):
        self._check_open()
        criteria = set(self.application.cohort.criteria.values_list("id", flat=True))
        scored = set(self.scores.filter(score__isnull=False).values_list("criterion_id", flat=True))
        if criteria - scored:
            raise Refused(_("Score every criterion before submitting your review."))
        with transaction.atomic():
            self.submitted_at = timezone.now()
            self.save(update_fields=["submitted_at", "updated_at"])
            audit.record(self.application, "review.submitted", actor=self.reviewer)

    def weighted_score(self):
        """The weighted mean (0-5) of this review's scores; uses prefetched scores if present."""
        total = weights = 0
        for score in self.scores.all():
            if score.score is None:
                continue
            total += score.score * score.criterion.weight
            weights += score.criterion.weight
        return total / weights if weights else None


class CriterionScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        _("score (0-5)"), null=True, blank=True, validators=[MaxValueValidator(MAX_SCORE)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=MAX_SCORE),
                name="score_between_0_and_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.score}"
