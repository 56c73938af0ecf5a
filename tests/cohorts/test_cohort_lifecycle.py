"""After the selection, staff start the programme and later close the cohort, in the portal."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import OpenCohortFactory

pytestmark = pytest.mark.django_db


def test_staff_start_the_programme_of_a_selected_cohort(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.SELECTED)
    client.force_login(staff)

    response = client.post(reverse("cohorts:start_running", args=[cohort.slug]))

    cohort.refresh_from_db()
    assert response.url == reverse("cohorts:manage", args=[cohort.slug])
    assert cohort.status == Cohort.Status.RUNNING
    entry = trail(cohort).first()
    assert (entry.action, entry.actor) == ("cohort.running", staff)


@pytest.mark.parametrize("status", [Cohort.Status.OPEN, Cohort.Status.REVIEWING])
def test_a_cohort_without_a_confirmed_selection_cannot_start_running(staff, status):
    cohort = OpenCohortFactory(status=status)

    with pytest.raises(Refused, match="Cities selected"):
        services.start_running(cohort, by=staff)

    cohort.refresh_from_db()
    assert cohort.status == status


def test_staff_close_a_running_cohort(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.RUNNING)
    client.force_login(staff)

    client.post(reverse("cohorts:close", args=[cohort.slug]))

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CLOSED
    assert trail(cohort).first().action == "cohort.closed"


def test_a_cohort_that_is_not_running_cannot_be_closed(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.SELECTED)
    client.force_login(staff)

    response = client.post(reverse("cohorts:close", args=[cohort.slug]), follow=True)

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED
    assert "can move on to" in response.content.decode()


def test_only_programme_staff_move_a_cohort_on(signed_in):
    cohort = OpenCohortFactory(status=Cohort.Status.SELECTED)

    response = signed_in.post(reverse("cohorts:start_running", args=[cohort.slug]))

    cohort.refresh_from_db()
    assert response.status_code == 403
    assert cohort.status == Cohort.Status.SELECTED


def test_the_manage_page_offers_the_next_step_of_a_selected_cohort(client, staff):
    cohort = OpenCohortFactory(status=Cohort.Status.SELECTED)
    client.force_login(staff)

    page = client.get(reverse("cohorts:manage", args=[cohort.slug])).content.decode()

    assert reverse("cohorts:start_running", args=[cohort.slug]) in page
    assert reverse("cohorts:close", args=[cohort.slug]) not in page
