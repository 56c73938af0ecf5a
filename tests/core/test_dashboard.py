"""The dashboard shows each signed-in user what their roles let them do next."""

import pytest
from django.urls import reverse

from tests.factories import CityMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_requires_sign_in(client):
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_user_without_a_role_is_shown_how_to_get_started(signed_in):
    page = signed_in.get(reverse("dashboard")).content.decode()

    assert "Getting started" in page
    assert "Programme staff" not in page


def test_programme_staff_see_the_staff_panel(client, staff):
    client.force_login(staff)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Run cohorts and selection" in page
    assert "Getting started" not in page


def test_the_staff_flag_alone_does_not_make_programme_staff(client):
    client.force_login(UserFactory(is_staff=True))

    page = client.get(reverse("dashboard")).content.decode()

    assert "Run cohorts and selection" not in page


def test_a_city_official_sees_their_city(client):
    membership = CityMembershipFactory(city__name="Semarang")
    client.force_login(membership.user)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Semarang" in page
    assert "City official" in page
