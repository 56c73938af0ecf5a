"""Journey 1: staff create a cohort with weighted criteria, open it, and close intake."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.models import CityApplication, Cohort
from resilience_portal.refusals import Refused
from tests.factories import (
    CohortFactory,
    OpenCohortFactory,
    SubmittedApplicationFactory,
    UnderReviewApplicationFactory,
)

pytestmark = pytest.mark.django_db


def cohort_form(**changes):
    form = {
        "name": "Asia-Pacific 2028",
        "slug": "asia-pacific-2028",
        "region": "Asia-Pacific",
        "year": "2028",
        "max_cities": "8",
        "applications_open": "2028-01-10T09:00",
        "applications_close": "2028-03-31T23:59",
        "description": "",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "Resilience need",
        "criteria-0-weight": "60",
        "criteria-0-order": "0",
        "criteria-1-name": "Leadership commitment",
        "criteria-1-weight": "40",
        "criteria-1-order": "1",
    }
    form.update(changes)
    return form


def test_staff_create_a_cohort_with_weighted_criteria_in_their_time_zone(client, staff):
    staff.time_zone = "Asia/Bangkok"
    staff.save()
    client.force_login(staff)

    response = client.post(reverse("cohorts:create"), cohort_form())

    cohort = Cohort.objects.get(slug="asia-pacific-2028")
    assert response.url == reverse("cohorts:manage", args=[cohort.slug])
    assert [(c.name, c.weight) for c in cohort.criteria.all()] == [
        ("Resilience need", 60),
        ("Leadership commitment", 40),
    ]
    # 23:59 in Bangkok (UTC+7) is 16:59 UTC.
    assert cohort.applications_close.astimezone(UTC).hour == 16


def test_a_window_that_closes_before_it_opens_is_refused(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("cohorts:create"), cohort_form(applications_close="2027-12-01T00:00")
    )

    assert response.status_code == 200
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("weight", ["0", "101"])
def test_a_criterion_weight_outside_1_to_100_is_refused_in_words(client, staff, weight):
    client.force_login(staff)

    response = client.post(reverse("cohorts:create"), cohort_form(**{"criteria-0-weight": weight}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is" in page
    assert "criterion_weight_between_1_and_100" not in page
    assert not Cohort.objects.filter(slug="asia-pacific-2028").exists()


def test_the_maximum_cannot_drop_below_the_cities_already_selected(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=3)
    for _ in range(2):
        services.record_decision(UnderReviewApplicationFactory(cohort=cohort), "selected", by=staff)
    client.force_login(staff)

    response = client.post(
        reverse("cohorts:edit", args=[cohort.slug]),
        cohort_form(slug=cohort.slug, max_cities="1"),
    )

    cohort.refresh_from_db()
    assert response.status_code == 200
    assert "2 cities are already selected" in response.content.decode()
    assert cohort.max_cities == 3


def test_an_announced_cohort_keeps_its_web_address(client, staff):
    cohort = OpenCohortFactory(slug="asia-pacific-2027")
    client.force_login(staff)

    form = {k: v for k, v in cohort_form(name="Renamed", slug="elsewhere").items() if "-" not in k}
    form.update({"criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"})

    client.post(reverse("cohorts:edit", args=[cohort.slug]), form)

    cohort.refresh_from_db()
    assert cohort.name == "Renamed"
    assert cohort.slug == "asia-pacific-2027"


def test_only_programme_staff_create_cohorts(signed_in):
    assert signed_in.post(reverse("cohorts:create"), cohort_form()).status_code == 403


def test_staff_open_a_cohort(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.DRAFT)
    client.force_login(staff)

    client.post(reverse("cohorts:open", args=[cohort.slug]))

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN


def test_a_cohort_without_criteria_cannot_open(staff):
    cohort = CohortFactory(
        applications_open=timezone.now(), applications_close=timezone.now() + timedelta(days=3)
    )

    with pytest.raises(Refused, match="criterion"):
        services.open_cohort(cohort, by=staff)


def test_review_starts_only_after_the_window_closes(staff):
    application = SubmittedApplicationFactory()
    cohort = application.cohort

    with pytest.raises(Refused, match="not closed"):
        services.start_cohort_review(cohort, by=staff)

    services.start_cohort_review(cohort, by=staff, now=cohort.applications_close)
    application.refresh_from_db()
    assert cohort.status == Cohort.Status.REVIEWING
    assert application.status == CityApplication.Status.UNDER_REVIEW


def test_criteria_are_fixed_once_reviewing_starts(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING)
    client.force_login(staff)
    form = cohort_form(name="Renamed", slug=cohort.slug)
    form["criteria-0-weight"] = "99"

    client.post(reverse("cohorts:edit", args=[cohort.slug]), form)

    cohort.refresh_from_db()
    assert cohort.name == "Renamed"
    assert sorted(c.weight for c in cohort.criteria.all()) == [30, 30, 40]


def test_the_suggested_criteria_are_kept_when_staff_leave_them_as_they_are(client, staff):
    client.force_login(staff)
    form = {k: v for k, v in cohort_form().items() if not k.startswith("criteria-")}
    suggested = [("Resilience need", 30), ("Procurement readiness", 25)]
    suggested += [("SME ecosystem", 20), ("Leadership commitment", 25)]
    form.update({"criteria-TOTAL_FORMS": "4", "criteria-INITIAL_FORMS": "0"})
    for index, (name, weight) in enumerate(suggested):
        form[f"criteria-{index}-name"] = name
        form[f"criteria-{index}-weight"] = str(weight)
        form[f"criteria-{index}-order"] = str(index)

    client.post(reverse("cohorts:create"), form)

    cohort = Cohort.objects.get(slug="asia-pacific-2028")
    assert [(c.name, c.weight) for c in cohort.criteria.all()] == suggested
