"""Anyone can read /cohorts/ and /cities/<slug>/; drafts of cohorts stay with staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from tests.factories import CityFactory, CohortFactory, OpenCohortFactory

pytestmark = pytest.mark.django_db


def test_the_cohorts_page_shows_open_cohorts_and_selected_cities(client):
    cohort = CohortFactory(name="Asia-Pacific 2026", status=Cohort.Status.SELECTED)
    cohort.cities.add(CityFactory(name="Semarang"), CityFactory(name="Da Nang"))
    OpenCohortFactory(name="Asia-Pacific 2027")

    page = client.get(reverse("cohorts:list")).content.decode()

    assert "Asia-Pacific 2026" in page
    assert "Semarang" in page and "Da Nang" in page
    assert "Asia-Pacific 2027" in page
    assert "Apply on your city" in page


def test_an_open_cohort_whose_window_has_closed_offers_no_apply_button(client):
    OpenCohortFactory(
        name="Asia-Pacific 2027",
        applications_open=timezone.now() - timedelta(days=30),
        applications_close=timezone.now() - timedelta(minutes=1),
    )

    page = client.get(reverse("cohorts:list")).content.decode()

    assert "Asia-Pacific 2027" in page
    assert "Apply on your city" not in page


def test_a_draft_cohort_is_hidden_from_the_public(client):
    CohortFactory(name="Secret plans", slug="secret", status=Cohort.Status.DRAFT)

    assert "Secret plans" not in client.get(reverse("cohorts:list")).content.decode()
    assert client.get(reverse("cohorts:detail", args=["secret"])).status_code == 404


def test_staff_see_a_draft_cohort(client, staff):
    CohortFactory(name="Secret plans", slug="secret", status=Cohort.Status.DRAFT)
    client.force_login(staff)

    assert client.get(reverse("cohorts:detail", args=["secret"])).status_code == 200


def test_a_city_page_shows_the_city_and_its_cohorts(client):
    city = CityFactory(name="Melaka", slug="melaka", resilience_priorities="Flash floods")
    cohort = CohortFactory(name="Asia-Pacific 2026", status=Cohort.Status.SELECTED)
    cohort.cities.add(city)

    page = client.get(reverse("cohorts:city", args=["melaka"])).content.decode()

    assert "Melaka" in page and "Flash floods" in page and "Asia-Pacific 2026" in page


def test_an_unknown_city_is_a_404(client):
    assert client.get(reverse("cohorts:city", args=["atlantis"])).status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_cohorts_page_needs_the_same_queries_however_many_cohorts(
    client, django_assert_max_num_queries, settings, size
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page's own queries, not its keeping's
    for _ in range(size):
        cohort = CohortFactory(status=Cohort.Status.SELECTED)
        cohort.cities.add(CityFactory(), CityFactory())

    with django_assert_max_num_queries(3):
        response = client.get(reverse("cohorts:list"))

    assert response.status_code == 200
