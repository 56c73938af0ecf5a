"""Staff reviews of applications: a conflict declaration or a 0-5 score per criterion."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import CityApplication
from .cohort import SelectionCriterion

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
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=MAX_SCORE),
                name="score_between_0_and_5",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.score}"
