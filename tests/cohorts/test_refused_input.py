"""Bad input on the cohorts pages is a form error on its field: addresses too long for the
database, cohort numbers outside sensible bounds; names lose direction overrides."""

import re

import pytest
from django.urls import reverse

from cohorts.models import CityInvitation, CityMembership, Cohort
from tests.cohorts.test_cohort_management import cohort_form
from tests.factories import CityMembershipFactory

pytestmark = pytest.mark.django_db


def address(length):
    return "a" * (length - len("@example.org")) + "@example.org"


@pytest.fixture
def lead():
    return CityMembershipFactory(role=CityMembership.Role.LEAD)


def invite(client, lead, email):
    client.force_login(lead.user)
    return client.post(
        reverse("cohorts:city_team", args=[lead.city.slug]), {"email": email, "role": "member"}
    )


def test_inviting_an_address_longer_than_254_characters_is_a_form_error(client, lead):
    response = invite(client, lead, address(260))

    assert response.status_code == 200
    assert "at most 254 characters (this one has 260)" in response.content.decode()
    assert not CityInvitation.objects.exists()


def test_inviting_an_address_of_254_characters_works(client, lead):
    response = invite(client, lead, address(254))

    assert response.status_code == 302
    assert CityInvitation.objects.get().email == address(254)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("max_cities", "0", "greater than or equal to 1"),
        ("max_cities", "51", "less than or equal to 50"),
        ("year", "0", "greater than or equal to 2000"),
        ("year", "1999", "greater than or equal to 2000"),
        ("year", "99999", "less than or equal to 2100"),
    ],
)
def test_a_cohort_number_out_of_bounds_is_an_error_on_its_field(
    client, staff, field, value, message
):
    client.force_login(staff)

    response = client.post(reverse("cohorts:create"), cohort_form(**{field: value}))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert "Constraint" not in response.content.decode()
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("max_cities", "1"), ("max_cities", "50"), ("year", "2000"), ("year", "2100")])  # fmt: skip
def test_a_cohort_number_at_its_bounds_is_accepted(client, staff, field, value):
    client.force_login(staff)

    response = client.post(reverse("cohorts:create"), cohort_form(**{field: value}))

    assert response.status_code == 302
    assert str(getattr(Cohort.objects.get(), field)) == value


def test_the_cohort_form_tells_the_browser_its_bounds(client, staff):
    client.force_login(staff)

    page = client.get(reverse("cohorts:create")).content.decode()

    inputs = {
        name: tag for tag, name in re.findall(r'(<input[^>]*name="(max_cities|year)"[^>]*>)', page)
    }
    assert 'min="1"' in inputs["max_cities"] and 'max="50"' in inputs["max_cities"]
    assert 'min="2000"' in inputs["year"] and 'max="2100"' in inputs["year"]


def test_cohort_and_criterion_names_lose_their_direction_overrides(client, staff):
    client.force_login(staff)

    client.post(
        reverse("cohorts:create"),
        cohort_form(name="Asia-Pacific \u202e8202", **{"criteria-0-name": "Need\u2067"}),
    )

    cohort = Cohort.objects.get()
    assert cohort.name == "Asia-Pacific 8202"
    assert cohort.criteria.get(order=0).name == "Need"


def test_a_city_name_loses_its_direction_overrides(client, lead):
    client.force_login(lead.user)
    city = lead.city

    response = client.post(
        reverse("cohorts:city_edit", args=[city.slug]),
        {
            "name": "Fake\u202eelliv",
            "country": city.country,
            "province": city.province,
            "population": city.population or "",
            "time_zone": city.time_zone,
            "languages": city.languages,
            "resilience_priorities": city.resilience_priorities,
        },
    )

    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "Fakeelliv"
