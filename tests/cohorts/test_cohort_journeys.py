"""City journeys that used to dead-end: a withdrawn application, a selection confirmed in one click."""

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import CityApplication, Cohort
from resilience_portal.refusals import Refused
from tests.factories import (
    CityMembershipFactory,
    StaffFactory,
    SubmittedApplicationFactory,
    UnderReviewApplicationFactory,
)
from tests.helpers import close_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn():
    application = SubmittedApplicationFactory(motivation="Our answers, kept.")
    official = CityMembershipFactory(city=application.city).user
    services.withdraw_application(application, by=official)
    return application, official


def test_the_dashboard_offers_to_reopen_a_withdrawn_application_and_says_so(client, withdrawn):
    _application, official = withdrawn
    client.force_login(official)
    page = client.get(reverse("dashboard")).content.decode()
    assert "was withdrawn" in page
    assert "Reopen the application" in page


def test_reopening_a_withdrawn_application_makes_it_a_draft_with_its_answers(client, withdrawn):
    application, official = withdrawn
    client.force_login(official)
    response = client.post(
        reverse("cohorts:apply", args=[application.cohort.slug]),
        {"city": application.city.pk},
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == CityApplication.Status.DRAFT
    assert application.submitted_at is None
    assert response.redirect_chain[-1][0] == reverse(
        "cohorts:application_edit", args=[application.pk]
    )
    page = response.content.decode()
    assert "draft again" in page
    assert "no longer a draft" not in page
    assert "Our answers, kept." in page


def test_a_withdrawn_application_is_not_reopened_after_the_window(withdrawn):
    application, official = withdrawn
    close_window(application.cohort)
    with pytest.raises(Refused, match="window has closed"):
        services.start_application(cohort=application.cohort, city=application.city, by=official)
    application.refresh_from_db()
    assert application.status == CityApplication.Status.WITHDRAWN


def test_after_the_window_the_dashboard_offers_no_apply(client, withdrawn):
    application, official = withdrawn
    close_window(application.cohort)
    client.force_login(official)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("cohorts:apply", args=[application.cohort.slug]) not in page


@pytest.fixture
def decided():
    application = UnderReviewApplicationFactory(city__name="Kota Hijau")
    staff = StaffFactory()
    services.record_decision(application, CityApplication.Decision.SELECTED, by=staff)
    return application.cohort, staff


def test_confirming_the_selection_asks_first_naming_each_city_and_result(client, decided):
    cohort, staff = decided
    client.force_login(staff)
    manage = client.get(reverse("cohorts:manage", args=[cohort.slug])).content.decode()
    confirm = reverse("cohorts:confirm", args=[cohort.slug])
    assert f'href="{confirm}"' in manage
    page = client.get(confirm).content.decode()
    assert "Kota Hijau" in page and "Selected" in page
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.REVIEWING


def test_the_confirmation_page_acts_on_post(client, decided):
    cohort, staff = decided
    client.force_login(staff)
    client.post(reverse("cohorts:confirm", args=[cohort.slug]))
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.SELECTED


def test_other_cohort_acts_still_refuse_a_get(client, decided):
    cohort, staff = decided
    client.force_login(staff)
    assert client.get(reverse("cohorts:open", args=[cohort.slug])).status_code == 405


def test_the_confirmation_page_is_for_staff_only(client, decided):
    cohort, _staff = decided
    client.force_login(CityMembershipFactory().user)
    assert client.get(reverse("cohorts:confirm", args=[cohort.slug])).status_code in (403, 404)
