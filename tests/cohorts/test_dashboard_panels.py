"""The dashboard tells officials their deadline and reviewers how many await their score."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from tests.factories import (
    CityMembershipFactory,
    OpenCohortFactory,
    StaffFactory,
    UnderReviewApplicationFactory,
)
from tests.helpers import close_window, moments_ago

pytestmark = pytest.mark.django_db


def test_an_official_with_a_draft_sees_the_deadline(client, draft, official):
    client.force_login(official)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Draft: submit before" in page
    assert reverse("cohorts:application_edit", args=[draft.pk]) in page


def test_an_official_sees_open_cohorts_to_apply_for(client):
    cohort = OpenCohortFactory(name="Asia-Pacific 2027")
    client.force_login(CityMembershipFactory().user)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Asia-Pacific 2027 is open until" in page
    assert reverse("cohorts:apply", args=[cohort.slug]) in page


def test_a_reviewer_sees_how_many_applications_await_their_score(client):
    reviewer = StaffFactory()
    applications = UnderReviewApplicationFactory.create_batch(3)
    services.declare_conflict(services.review_for(applications[0], reviewer))
    client.force_login(reviewer)

    page = client.get(reverse("dashboard")).content.decode()

    assert "2 applications await your score." in page


def test_a_newcomer_is_offered_to_register_a_city(signed_in):
    page = signed_in.get(reverse("dashboard")).content.decode()

    assert reverse("cohorts:city_register") in page


def test_an_official_with_a_draft_past_the_window_is_told_it_closed(client, draft, official):
    close_window(draft.cohort, at=moments_ago(hours=1))
    client.force_login(official)

    page = client.get(reverse("dashboard")).content.decode()

    assert "this draft was not submitted" in page
    assert "Draft: submit before" not in page


def test_a_cohort_whose_window_has_not_opened_is_not_offered_yet(client):
    OpenCohortFactory(
        name="Asia-Pacific 2028",
        applications_open=timezone.now() + timedelta(days=3),
        applications_close=timezone.now() + timedelta(days=40),
    )
    client.force_login(CityMembershipFactory().user)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Asia-Pacific 2028 is open until" not in page


def test_a_reviewer_is_not_counted_as_owing_a_score_to_their_own_city(client):
    reviewer = StaffFactory()
    own_city = UnderReviewApplicationFactory()
    CityMembershipFactory(city=own_city.city, user=reviewer)
    UnderReviewApplicationFactory()
    client.force_login(reviewer)

    page = client.get(reverse("dashboard")).content.decode()

    assert "1 application awaits your score." in page
