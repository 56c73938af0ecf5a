"""Journey 3: staff score each criterion or declare a conflict; others' scores stay hidden."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Review
from resilience_portal.refusals import Refused
from tests.factories import (
    ReviewFactory,
    StaffFactory,
    SubmittedApplicationFactory,
    UnderReviewApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def score_form(application, value, *, submit=True):
    form = {}
    for criterion in application.cohort.criteria.all():
        form[f"score_{criterion.id}"] = str(value)
        form[f"comment_{criterion.id}"] = f"Comment on {criterion.name}"
    form["submit" if submit else "save"] = ""
    return form


def submitted_review(application, reviewer, value, comment=""):
    review = services.review_for(application, reviewer)
    services.save_scores(
        review, {c.id: (value, comment) for c in application.cohort.criteria.all()}
    )
    services.submit_review(review)
    return review


def test_a_reviewer_scores_every_criterion_and_submits(client, reviewer):
    application = UnderReviewApplicationFactory()
    client.force_login(reviewer)

    response = client.post(
        reverse("cohorts:application_review", args=[application.pk]), score_form(application, 4)
    )

    review = Review.objects.get(reviewer=reviewer)
    assert response.url == application.get_absolute_url()
    assert review.is_submitted
    assert review.weighted_score() == 4
    assert {s.comment for s in review.scores.all()} >= {"Comment on Resilience need"}


def test_a_review_missing_a_score_cannot_be_submitted(client, reviewer):
    application = UnderReviewApplicationFactory()
    client.force_login(reviewer)
    form = score_form(application, 3)
    form[f"score_{application.cohort.criteria.first().id}"] = ""

    client.post(reverse("cohorts:application_review", args=[application.pk]), form)

    assert not Review.objects.get(reviewer=reviewer).is_submitted


def test_a_score_above_five_is_refused(reviewer):
    review = ReviewFactory(reviewer=reviewer)
    criterion = review.application.cohort.criteria.first()

    with pytest.raises(Refused):
        services.save_scores(review, {criterion.id: (6, "")})


def test_a_reviewer_who_declared_a_conflict_cannot_score(client, reviewer):
    application = UnderReviewApplicationFactory()
    client.force_login(reviewer)
    client.post(
        reverse("cohorts:application_review", args=[application.pk]),
        {"conflict": "", "note": "My brother runs the city's procurement office"},
    )

    client.post(
        reverse("cohorts:application_review", args=[application.pk]), score_form(application, 5)
    )

    review = Review.objects.get(reviewer=reviewer)
    assert review.conflict_declared
    assert not review.is_submitted
    assert not review.scores.exists()
    with pytest.raises(Refused, match="conflict"):
        services.save_scores(review, {application.cohort.criteria.first().id: (5, "")})


def test_a_conflicted_reviewer_cannot_record_a_decision(reviewer):
    application = UnderReviewApplicationFactory()
    services.declare_conflict(services.review_for(application, reviewer), note="Former employer")

    with pytest.raises(Refused, match="conflict"):
        services.record_decision(application, "selected", by=reviewer)


def test_other_reviewers_scores_are_hidden_until_the_reviewer_submits(client, reviewer):
    application = UnderReviewApplicationFactory()
    submitted_review(application, StaffFactory(), 5, comment="Outstanding flood plan")
    client.force_login(reviewer)
    url = application.get_absolute_url()

    before = client.get(url).content.decode()
    submitted_review(application, reviewer, 2)
    after = client.get(url).content.decode()

    assert "Outstanding flood plan" not in before
    assert "appear once you have submitted your own" in before
    assert "Outstanding flood plan" in after


def test_the_ranking_hides_scores_from_a_reviewer_who_has_not_submitted(client, reviewer):
    application = UnderReviewApplicationFactory(city__name="Pune")
    submitted_review(application, StaffFactory(), 5)
    client.force_login(reviewer)

    page = client.get(reverse("cohorts:manage", args=[application.cohort.slug])).content.decode()

    assert "after your review" in page
    assert "5.00" not in page


def test_only_programme_staff_review(client):
    application = UnderReviewApplicationFactory()
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("cohorts:application_review", args=[application.pk]))

    assert response.status_code == 403


def test_an_application_not_yet_under_review_cannot_be_scored(reviewer):
    with pytest.raises(Refused, match="not under review"):
        services.review_for(SubmittedApplicationFactory(), reviewer)


def test_a_submitted_review_cannot_be_changed(reviewer):
    application = UnderReviewApplicationFactory()
    review = submitted_review(application, reviewer, 3)

    with pytest.raises(Refused, match="already submitted"):
        services.save_scores(review, {application.cohort.criteria.first().id: (5, "")})


def test_an_official_of_the_applying_city_cannot_review_it(reviewer):
    application = UnderReviewApplicationFactory()
    services.add_official(application.city, reviewer)

    with pytest.raises(Refused, match="official of this city"):
        services.review_for(application, reviewer)
