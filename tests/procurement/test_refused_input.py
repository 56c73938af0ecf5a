"""Bad input on the procurement pages is a form error on its field, never a 500: addresses
too long for the database, sector ids past any column's range, unknown filter values;
names and titles lose direction overrides."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from smes.models import SME, SMEInvitation, SMEMembership
from tests.factories import (
    ChallengeFactory,
    CityFactory,
    CohortFactory,
    SMEMembershipFactory,
    official_of,
)
from tests.procurement.test_challenge_pages import form_data
from tests.smes.test_sme_profile import profile_data
from tests.smes.test_sme_registration import registration

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"
LIST = reverse("procurement:challenge_list")


def address(length):
    return "a" * (length - len("@example.org")) + "@example.org"


@pytest.fixture
def official():
    city = CityFactory(country="ID", time_zone="Asia/Jakarta")
    cohort = CohortFactory()
    cohort.cities.add(city)
    return official_of(city), city, cohort


@pytest.fixture
def owner():
    return SMEMembershipFactory(role=SMEMembership.Role.OWNER)


def members_url(sme):
    return reverse("smes:members", kwargs={"slug": sme.slug})


def test_inviting_an_address_longer_than_254_characters_is_a_form_error(client, owner):
    client.force_login(owner.user)

    response = client.post(members_url(owner.sme), {"email": address(260)})

    assert response.status_code == 200
    assert "at most 254 characters (this one has 260)" in response.content.decode()
    assert not SMEInvitation.objects.exists()


def test_inviting_an_address_of_254_characters_works(client, owner):
    client.force_login(owner.user)

    response = client.post(members_url(owner.sme), {"email": address(254)})

    assert response.status_code == 302
    assert SMEInvitation.objects.get().email == address(254)


# Sectors by an id no column can hold -------------------------------------------------


def sectors_error(response):
    assert response.status_code == 200
    return response.context["form"].errors["sectors"]


def test_registering_an_sme_with_an_out_of_range_sector_is_a_form_error(signed_in):
    city = CityFactory(country="ID")

    response = signed_in.post(reverse("smes:register"), registration(city, sectors=[HUGE_ID]))

    assert HUGE_ID in sectors_error(response)[0]
    assert not SME.objects.exists()


def test_editing_an_sme_with_an_out_of_range_sector_is_a_form_error(client):
    membership = SMEMembershipFactory(role="member")
    client.force_login(membership.user)
    sme = membership.sme

    response = client.post(
        reverse("smes:edit", kwargs={"slug": sme.slug}),
        profile_data(sme, sectors=[HUGE_ID]),
    )

    assert HUGE_ID in sectors_error(response)[0]


def test_drafting_a_challenge_with_an_out_of_range_sector_is_a_form_error(client, official):
    user, city, cohort = official
    client.force_login(user)
    data = form_data(city, cohort, weights=(100,))
    data["sectors"] = [HUGE_ID]

    response = client.post(reverse("procurement:challenge_create"), data)

    assert HUGE_ID in sectors_error(response)[0]
    assert not Challenge.objects.exists()


# The public list's filters -------------------------------------------------------------


def listed(response):
    return {challenge.title for challenge in response.context["page"]}


def test_an_unknown_filter_value_is_shown_as_an_error_and_the_valid_filters_still_apply(client):
    ChallengeFactory(title="Heat", sectors=["water"])
    ChallengeFactory(title="Old", status=Challenge.Status.CLOSED, sectors=["water"])

    response = client.get(LIST, {"status": "published", "sector": "junk"})

    assert response.status_code == 200
    assert listed(response) == {"Heat"}
    assert list(response.context["form"].errors) == ["sector"]
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert "This filter was left out." in page


def test_valid_filters_together_still_narrow_the_list(client):
    ChallengeFactory(title="Heat", sectors=["water"])
    ChallengeFactory(title="Waste", sectors=["waste"])
    ChallengeFactory(title="Old", status=Challenge.Status.CLOSED, sectors=["water"])

    response = client.get(LIST, {"status": "published", "sector": "water"})

    assert listed(response) == {"Heat"}
    assert not response.context["form"].errors


# Names and titles ----------------------------------------------------------------------------


def test_sme_names_lose_their_direction_overrides_at_registration(signed_in):
    city = CityFactory(country="ID")

    signed_in.post(
        reverse("smes:register"),
        registration(city, legal_name="PT \u202eraseB", trading_name="\u2066Besar\u2069"),
    )

    sme = SME.objects.get()
    assert (sme.legal_name, sme.trading_name) == ("PT raseB", "Besar")


def test_a_challenge_title_and_criteria_lose_their_direction_overrides(client, official):
    user, city, cohort = official
    client.force_login(user)
    data = form_data(city, cohort)
    data["title"] = "Shade\u202e for vendors"
    data["criteria-0-name"] = "\u200fPrice"

    client.post(reverse("procurement:challenge_create"), data)

    challenge = Challenge.objects.get()
    assert challenge.title == "Shade for vendors"
    assert "Price" in challenge.criteria.values_list("name", flat=True)
