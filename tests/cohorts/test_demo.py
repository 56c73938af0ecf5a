"""The demo programme has a selected cohort of real cities and an open one to apply to."""

import pytest
from django.core.management import call_command

from cohorts.models import CityApplication, CityMembership, Cohort, Review

pytestmark = pytest.mark.django_db


def test_seed_demo_selects_six_apac_cities_and_opens_the_next_cohort(settings):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    selected = Cohort.objects.get(slug="asia-pacific-2026")
    assert sorted(selected.cities.values_list("name", flat=True)) == [
        "Bangkok",
        "Da Nang",
        "Melaka",
        "Pune",
        "Quezon City",
        "Semarang",
    ]
    assert selected.applications.count() == 9
    assert Review.objects.filter(application__cohort=selected).count() == 18
    assert Cohort.objects.get(slug="asia-pacific-2027").accepts_applications()
    assert CityApplication.objects.filter(status="draft").count() == 1
    in_review = Cohort.objects.get(slug="coastal-cities-2027")
    assert in_review.applications.filter(status="under_review").count() == 3
    # Confirming the demo selection tells someone in every applicant city.
    assert all(a.officials() for a in in_review.applications.all())
    # Demo officials act for their cities; one stranger's request waits in the staff queue.
    assert CityMembership.objects.pending().count() == 1
    assert (
        CityMembership.objects.filter(user__email__startswith="official.")
        .exclude(status=CityMembership.Status.VERIFIED)
        .count()
        == 0
    )
