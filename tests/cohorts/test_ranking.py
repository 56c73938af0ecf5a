"""The ranking orders applications by the mean of weighted scores and shows the spread."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort
from cohorts.services import ranking
from tests.factories import OpenCohortFactory, StaffFactory, UnderReviewApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    # Weights: resilience need 40, procurement readiness 30, SME ecosystem 30.
    return OpenCohortFactory(status=Cohort.Status.REVIEWING)


def review(application, reviewer, scores):
    sheet = services.review_for(application, reviewer)
    criteria = list(application.cohort.criteria.all())
    services.save_scores(sheet, {c.id: (s, "") for c, s in zip(criteria, scores, strict=True)})
    services.submit_review(sheet)


def test_applications_are_ranked_by_weighted_mean_with_the_spread(cohort):
    alice, bob = StaffFactory(), StaffFactory()
    pune = UnderReviewApplicationFactory(cohort=cohort, city__name="Pune")
    melaka = UnderReviewApplicationFactory(cohort=cohort, city__name="Melaka")
    review(pune, alice, [5, 0, 0])  # 2.0
    review(pune, bob, [5, 5, 5])  # 5.0
    review(melaka, alice, [4, 4, 4])  # 4.0
    review(melaka, bob, [4, 3, 3])  # 3.4

    rows = ranking(cohort, viewer=alice)

    assert [row.application.city.name for row in rows] == ["Melaka", "Pune"]
    assert rows[0].mean == pytest.approx(3.7)
    assert rows[0].spread == pytest.approx(0.6)
    assert rows[1].mean == pytest.approx(3.5)
    assert rows[1].spread == pytest.approx(3.0)


def test_a_conflicted_review_does_not_count(cohort):
    alice, bob = StaffFactory(), StaffFactory()
    pune = UnderReviewApplicationFactory(cohort=cohort)
    review(pune, alice, [3, 3, 3])
    services.declare_conflict(services.review_for(pune, bob))

    (row,) = ranking(cohort, viewer=alice)

    assert row.mean == 3 and row.reviews_submitted == 1 and row.conflicts == 1


def test_the_order_does_not_reveal_scores_the_viewer_may_not_see_yet(cohort):
    alice, carol = StaffFactory(), StaffFactory()
    bangkok = UnderReviewApplicationFactory(cohort=cohort, city__name="Bangkok")
    pune = UnderReviewApplicationFactory(cohort=cohort, city__name="Pune")
    review(bangkok, alice, [1, 1, 1])
    review(pune, alice, [5, 5, 5])

    rows = ranking(cohort, viewer=carol)

    assert [row.application.city.name for row in rows] == ["Bangkok", "Pune"]
    assert not any(row.scores_visible for row in rows)


def test_applications_the_viewer_has_reviewed_rank_before_those_still_hidden(cohort):
    alice, carol = StaffFactory(), StaffFactory()
    bangkok = UnderReviewApplicationFactory(cohort=cohort, city__name="Bangkok")
    pune = UnderReviewApplicationFactory(cohort=cohort, city__name="Pune")
    review(bangkok, alice, [5, 5, 5])
    review(pune, alice, [1, 1, 1])
    review(pune, carol, [1, 1, 1])

    rows = ranking(cohort, viewer=carol)

    assert [row.application.city.name for row in rows] == ["Pune", "Bangkok"]


@pytest.mark.parametrize("size", [2, 10])
def test_the_ranking_page_needs_the_same_queries_however_many_applications(
    client, cohort, django_assert_max_num_queries, size
):
    staff = StaffFactory()
    for application in UnderReviewApplicationFactory.create_batch(size, cohort=cohort):
        review(application, staff, [3, 4, 5])
        review(application, StaffFactory(), [2, 2, 2])
    client.force_login(staff)

    # Every role is asked in one query per signed-in request.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cohorts:manage", args=[cohort.slug]))

    assert response.status_code == 200
    assert response.content.decode().count("/review/") == 0


def test_only_programme_staff_see_the_ranking(client, cohort, user):
    client.force_login(user)

    assert client.get(reverse("cohorts:manage", args=[cohort.slug])).status_code == 403
