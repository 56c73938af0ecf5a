"""The cap holds when two staff act at the same moment (real transactions on PostgreSQL)."""

import pytest

from cohorts import services
from cohorts.models import Cohort
from tests.factories import OpenCohortFactory, StaffFactory, UnderReviewApplicationFactory
from tests.helpers import needs_row_locks, race

pytestmark = pytest.mark.django_db(transaction=True)


@needs_row_locks
def test_two_staff_selecting_the_last_place_at_once_select_one_city():
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=1)
    first, second = UnderReviewApplicationFactory.create_batch(2, cohort=cohort)
    alice, bob = StaffFactory(), StaffFactory()

    outcomes = race(
        lambda: services.record_decision(first, "selected", by=alice),
        lambda: services.record_decision(second, "selected", by=bob),
    )

    assert outcomes == ["done", "refused"]
    assert cohort.applications.filter(decision="selected").count() == 1


@needs_row_locks
def test_two_staff_confirming_at_once_confirm_the_selection_once():
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=2)
    applications = UnderReviewApplicationFactory.create_batch(3, cohort=cohort)
    staff, other = StaffFactory(), StaffFactory()
    for application, decision in zip(
        applications, ["selected", "selected", "declined"], strict=True
    ):
        services.record_decision(application, decision, by=staff)

    outcomes = race(
        lambda: services.confirm_selection(Cohort.objects.get(pk=cohort.pk), by=staff),
        lambda: services.confirm_selection(Cohort.objects.get(pk=cohort.pk), by=other),
    )

    assert outcomes == ["done", "refused"]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED
    assert cohort.cities.count() == 2
