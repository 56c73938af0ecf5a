"""An official registers their city, or claims one nobody represents yet: a request that
programme staff verify (see test_city_verification for what it opens and when)."""

import pytest
from django.urls import reverse

from cohorts.models import CityMembership
from cohorts.services import verify_official
from resilience_portal.audit import trail
from tests.factories import CityFactory, CityMembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Quezon City",
    "country": "ph",
    "province": "Metro Manila",
    "population": "2960048",
    "time_zone": "Asia/Manila",
    "languages": "Filipino, English",
    "resilience_priorities": "Typhoon flooding",
    "position": "City disaster risk reduction officer",
}


def test_an_official_registers_a_new_city_and_asks_to_become_its_lead(signed_in, user):
    response = signed_in.post(reverse("cohorts:city_register"), FORM)

    membership = CityMembership.objects.get(user=user)
    assert response.status_code == 302
    assert membership.city.slug == "quezon-city"
    assert membership.city.country == "PH"
    assert membership.role == CityMembership.Role.LEAD
    assert membership.status == CityMembership.Status.PENDING
    assert membership.position == "City disaster risk reduction officer"
    assert trail(membership).first().action == "city.official_requested"
    assert not membership.city.has_official(user)


def test_a_city_nobody_represents_can_be_claimed_and_staff_verify_the_claim(signed_in, user):
    city = CityFactory(name="Quezon City", slug="quezon-city")

    signed_in.post(reverse("cohorts:city_register"), FORM)
    assert not city.has_official(user)
    verify_official(CityMembership.objects.get(user=user), by=StaffFactory())

    assert city.has_official(user)


def test_a_city_with_officials_cannot_be_claimed(signed_in, user):
    membership = CityMembershipFactory(city__name="Quezon City", city__slug="quezon-city")

    response = signed_in.post(reverse("cohorts:city_register"), FORM)

    assert response.status_code == 200
    assert "ask them to invite you" in response.content.decode()
    assert not membership.city.has_official(user)


def test_registering_a_city_requires_sign_in(client):
    response = client.post(reverse("cohorts:city_register"), FORM)

    assert response.status_code == 302
    assert not CityMembership.objects.exists()


def test_a_city_with_only_a_pending_request_can_still_be_claimed(signed_in, user):
    # Someone else's unverified request must not block the real official.
    squatter = CityMembershipFactory(
        city__name="Quezon City", city__slug="quezon-city", status=CityMembership.Status.PENDING
    )

    response = signed_in.post(reverse("cohorts:city_register"), FORM)

    assert response.status_code == 302
    assert squatter.city.memberships.pending().count() == 2


def test_a_claim_does_not_overwrite_the_profile_of_a_city_nobody_represents(signed_in, user):
    city = CityFactory(name="Quezon City", slug="quezon-city", province="Metro Manila")

    signed_in.post(reverse("cohorts:city_register"), {**FORM, "province": "Elsewhere"})

    city.refresh_from_db()
    assert city.province == "Metro Manila"


def test_the_same_person_cannot_ask_twice_while_waiting(signed_in, user):
    signed_in.post(reverse("cohorts:city_register"), FORM)

    response = signed_in.post(reverse("cohorts:city_register"), FORM)

    assert response.status_code == 200
    assert "already asked" in response.content.decode()
    assert CityMembership.objects.filter(user=user).count() == 1


def test_only_the_city_officials_edit_its_profile(client, user):
    membership = CityMembershipFactory()
    client.force_login(user)

    assert client.get(reverse("cohorts:city_edit", args=[membership.city.slug])).status_code == 404
    client.force_login(membership.user)
    assert client.get(reverse("cohorts:city_edit", args=[membership.city.slug])).status_code == 200


def test_a_city_name_without_latin_letters_is_refused_with_a_hint(signed_in, user):
    response = signed_in.post(reverse("cohorts:city_register"), {**FORM, "name": "กรุงเทพมหานคร"})

    assert response.status_code == 200
    assert "Latin letters" in response.content.decode()
    assert not CityMembership.objects.filter(user=user).exists()


def test_a_city_name_in_latin_letters_beside_its_local_script_is_accepted(signed_in, user):
    signed_in.post(reverse("cohorts:city_register"), {**FORM, "name": "Bangkok กรุงเทพ"})

    assert CityMembership.objects.get(user=user).city.slug == "bangkok"
