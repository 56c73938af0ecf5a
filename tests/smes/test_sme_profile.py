"""Only members edit their SME; a verified SME whose identity changes is verified again."""

import pytest
from django.urls import reverse

from resilience_portal import audit
from smes.models import SME
from tests.factories import CityMembershipFactory, SMEMembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def profile_data(sme, **overrides):
    data = {
        "legal_name": sme.legal_name,
        "trading_name": sme.trading_name,
        "registration_number": sme.registration_number,
        "country": sme.country,
        "city": sme.city_id,
        "sectors": [1],
        "employees": sme.employees,
        "capabilities": "Solar kiosks",
    }
    data.update(overrides)
    return data


@pytest.fixture
def membership():
    return SMEMembershipFactory(role="member", sme__verification=SME.Verification.VERIFIED)


def edit_url(sme):
    return reverse("smes:edit", kwargs={"slug": sme.slug})


def test_member_edits_the_profile_and_it_stays_verified(client, membership):
    client.force_login(membership.user)
    response = client.post(edit_url(membership.sme), profile_data(membership.sme))
    assert response.status_code == 302
    membership.sme.refresh_from_db()
    assert membership.sme.capabilities == "Solar kiosks"
    assert membership.sme.is_verified


@pytest.mark.parametrize(
    "change", [{"legal_name": "New Name Ltd"}, {"registration_number": "NEW-1"}]
)
def test_changing_legal_name_or_registration_number_sends_a_verified_sme_back_to_pending(
    client, membership, change
):
    client.force_login(membership.user)
    client.post(edit_url(membership.sme), profile_data(membership.sme, **change))
    membership.sme.refresh_from_db()
    assert membership.sme.verification == SME.Verification.PENDING
    assert "sme.verification_reopened" in [e.action for e in audit.trail(membership.sme)]


def test_changing_only_the_spacing_of_the_registration_number_is_still_a_change(client, membership):
    client.force_login(membership.user)
    number = membership.sme.registration_number.replace("-", " ")
    client.post(edit_url(membership.sme), profile_data(membership.sme, registration_number=number))
    membership.sme.refresh_from_db()
    assert membership.sme.verification == SME.Verification.PENDING


@pytest.mark.parametrize("who", ["other_sme_member", "city_official", "staff"])
def test_non_members_cannot_edit(client, membership, who):
    user = {
        "other_sme_member": lambda: SMEMembershipFactory().user,
        "city_official": lambda: CityMembershipFactory().user,
        "staff": StaffFactory,
    }[who]()
    client.force_login(user)
    assert client.get(edit_url(membership.sme)).status_code == 404
    response = client.post(edit_url(membership.sme), profile_data(membership.sme, legal_name="X"))
    assert response.status_code == 404
    membership.sme.refresh_from_db()
    assert membership.sme.legal_name != "X"


def test_search_vector_follows_the_profile(membership, django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text search runs on PostgreSQL")
    sme = membership.sme
    sme.capabilities = "Mangrove restoration"
    sme.save()
    assert SME.objects.search("mangrove").get() == sme
    sme.capabilities = "Rooftop solar"
    sme.save(update_fields=["capabilities"])
    assert not SME.objects.search("mangrove").exists()
