"""The cap holds when two staff act at the same moment (real transactions on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from cohorts.models import Cohort, Refused
from tests.factories import OpenCohortFactory, StaffFactory, UnderReviewApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(*acts):
    """Run each act in its own thread and connection, released together; collect outcomes."""
    barrier = threading.Barrier(len(acts))
    outcomes = []

    def run(act):
        try:
            barrier.wait()
            act()
            outcomes.append("done")
        except Refused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_staff_selecting_the_last_place_at_once_select_one_city():
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=1)
    first, second = UnderReviewApplicationFactory.create_batch(2, cohort=cohort)
    alice, bob = StaffFactory(), StaffFactory()

    outcomes = race(
        lambda: first.record_decision("selected", by=alice),
        lambda: second.record_decision("selected", by=bob),
    )

    assert outcomes == ["done", "refused"]
    assert cohort.applications.filter(decision="selected").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_staff_confirming_at_once_confirm_the_selection_once():
    cohort = OpenCohortFactory(status=Cohort.Status.REVIEWING, max_cities=2)
    applications = UnderReviewApplicationFactory.create_batch(3, cohort=cohort)
    staff, other = StaffFactory(), StaffFactory()
    for application, decision in zip(
        applications, ["selected", "selected", "declined"], strict=True
    ):
        application.record_decision(decision, by=staff)

    outcomes = race(
        lambda: Cohort.objects.get(pk=cohort.pk).confirm_selection(by=staff),
        lambda: Cohort.objects.get(pk=cohort.pk).confirm_selection(by=other),
    )

    assert outcomes == ["done", "refused"]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED
    assert cohort.cities.count() == 2
