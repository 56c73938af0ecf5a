"""Published challenges reach people where they already are: home, city page, SME dashboard."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from smes.models import Sector
from tests.factories import ChallengeFactory, CityFactory, SMEFactory, member_of

pytestmark = pytest.mark.django_db


def test_home_page_lists_challenges_taking_proposals_and_not_drafts(client):
    ChallengeFactory(title="Cooler bus stops")
    ChallengeFactory(title="Secret draft", status=Challenge.Status.DRAFT, published_at=None)

    page = client.get("/").content.decode()

    assert "Cooler bus stops" in page
    assert "Secret draft" not in page


def test_a_city_page_lists_its_published_challenges_only(client):
    city = CityFactory(name="Melaka", slug="melaka")
    ChallengeFactory(city=city, title="River cleanup sensors")
    ChallengeFactory(city=city, title="Unapproved idea", status=Challenge.Status.DRAFT)
    ChallengeFactory(title="Elsewhere entirely")

    page = client.get(reverse("cohorts:city", args=["melaka"])).content.decode()

    assert "River cleanup sensors" in page
    assert "Unapproved idea" not in page
    assert "Elsewhere entirely" not in page


def test_an_smes_dashboard_shows_open_challenges_in_its_sectors_and_country(client):
    city = CityFactory(country="VN", time_zone="Asia/Ho_Chi_Minh")
    sme = SMEFactory(city=city, country="VN")
    sme.sectors.set(Sector.objects.filter(code="water"))
    ChallengeFactory(city=city, title="Clean water kiosks", sectors=["water"])
    ChallengeFactory(city=city, title="School software", sectors=["digital"])
    ChallengeFactory(title="Water in another country", sectors=["water"])
    client.force_login(member_of(sme))

    page = client.get(reverse("dashboard")).content.decode()

    assert "Clean water kiosks" in page
    assert "School software" not in page
    assert "Water in another country" not in page
