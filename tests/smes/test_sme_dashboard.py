"""The dashboard shows an SME its verification status and what is missing; staff the queue."""

import pytest
from django.urls import reverse

from smes.models import SME
from tests.factories import CompleteSMEFactory, SMEMembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboard")


def test_sme_member_sees_status_and_missing_items(client):
    membership = SMEMembershipFactory(sme__legal_name="Banjir Sensors", sme__capabilities="")
    client.force_login(membership.user)
    page = client.get(DASHBOARD).content.decode()
    assert "Banjir Sensors" in page
    assert "Not yet verified" in page
    assert "Still missing" in page
    assert "Business registration certificate" in page


def test_complete_sme_is_told_to_ask_for_verification(client):
    membership = SMEMembershipFactory(sme=CompleteSMEFactory())
    client.force_login(membership.user)
    assert "ask for verification" in client.get(DASHBOARD).content.decode()


def test_verified_sme_shows_the_badge(client):
    membership = SMEMembershipFactory(
        sme=CompleteSMEFactory(verification=SME.Verification.VERIFIED)
    )
    client.force_login(membership.user)
    assert "✓ Verified" in client.get(DASHBOARD).content.decode()


def test_staff_see_how_many_smes_wait(client):
    CompleteSMEFactory(verification=SME.Verification.PENDING)
    CompleteSMEFactory(verification=SME.Verification.PENDING)
    client.force_login(StaffFactory())
    page = client.get(DASHBOARD).content.decode()
    assert "2 SMEs are waiting for verification" in page
    assert reverse("smes:verification_queue") in page


def test_a_long_queue_is_counted_up_to_the_limit_only(client, monkeypatch):
    monkeypatch.setattr("smes.services.COUNT_LIMIT", 2)
    for _number in range(3):
        CompleteSMEFactory(verification=SME.Verification.PENDING)
    client.force_login(StaffFactory())

    page = client.get(DASHBOARD).content.decode()

    assert "More than 2 SMEs are waiting for verification" in page


def test_newcomer_is_offered_registration(client):
    client.force_login(UserFactory())
    assert reverse("smes:register") in client.get(DASHBOARD).content.decode()


def test_sme_member_is_not_offered_registration_again(client):
    client.force_login(SMEMembershipFactory().user)
    assert reverse("smes:register") not in client.get(DASHBOARD).content.decode()


def test_dashboard_lists_open_challenges_in_the_smes_city_and_sectors_only(client):
    from procurement.models import Challenge
    from smes.models import Sector
    from tests.factories import ChallengeFactory, CityFactory

    water, energy = Sector.objects.get(code="water"), Sector.objects.get(code="energy")
    semarang = CityFactory(country="ID")
    jakarta = CityFactory(country="ID")
    membership = SMEMembershipFactory(sme__city=semarang)
    membership.sme.sectors.set([water])

    def challenge(title, city, sectors, **kwargs):
        made = ChallengeFactory(title=title, city=city, **kwargs)
        made.sectors.set(sectors)

    challenge("Semarang water", semarang, [water])
    challenge("Semarang energy", semarang, [energy])
    challenge("Jakarta water", jakarta, [water])
    challenge("Semarang water draft", semarang, [water], status=Challenge.Status.DRAFT)
    client.force_login(membership.user)
    page = client.get(DASHBOARD).content.decode()
    assert "Semarang water<" in page
    assert "Semarang energy" not in page
    assert "Jakarta water" not in page
    assert "Semarang water draft" not in page
