"""A deadline is the city's: public pages show it on the city's clock with the zone named, and
a signed-in user whose own zone keeps another time sees that time beside it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import (
    ChallengeFactory,
    CityFactory,
    ProposalFactory,
    UserFactory,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db

# 17:00 in Jakarta; the microseconds must not reach <time datetime>.
DEADLINE = datetime.datetime(2030, 12, 29, 10, 0, 0, 123456, tzinfo=datetime.UTC)
IN_JAKARTA = "29 Dec 2030, 17:00 WIB, Jakarta time"


@pytest.fixture
def challenge():
    jakarta = CityFactory(name="Jakarta", slug="jakarta", country="ID", time_zone="Asia/Jakarta")
    return ChallengeFactory(
        city=jakarta,
        submissions_close=DEADLINE,
        questions_close=DEADLINE - datetime.timedelta(days=7),
        award_expected=DEADLINE + datetime.timedelta(days=30),
        currency="IDR",
        budget_min=Decimal("150000000.00"),
        budget_max=Decimal("900000000.00"),
    )


@pytest.mark.parametrize("page", ["challenge", "list", "home", "city"])
def test_a_visitor_reads_the_deadline_in_the_citys_named_time(client, challenge, page):
    url = {
        "challenge": challenge.get_absolute_url(),
        "list": reverse("procurement:challenge_list"),
        "home": reverse("home"),
        "city": challenge.city.get_absolute_url(),
    }[page]

    html = client.get(url).content.decode()

    assert IN_JAKARTA in html
    assert "10:00 UTC" not in html
    assert "your time" not in html


def test_the_deadlines_machine_value_is_utc_to_the_second(client, challenge):
    html = client.get(challenge.get_absolute_url()).content.decode()

    assert '<time datetime="2030-12-29T10:00:00Z">' in html
    assert "123456" not in html


def test_a_visitor_is_not_told_every_time_is_utc(client, challenge):
    html = client.get(challenge.get_absolute_url()).content.decode()

    assert "Times shown in UTC" not in html


def test_a_signed_in_user_sees_their_own_zones_time_beside_the_citys(client, challenge):
    client.force_login(UserFactory(time_zone="Europe/London"))

    html = client.get(challenge.get_absolute_url()).content.decode()

    assert IN_JAKARTA in html
    assert "your time: 29 Dec 2030, 10:00 GMT" in html


def test_a_user_whose_zone_keeps_the_citys_time_sees_it_once(client, challenge):
    client.force_login(UserFactory(time_zone="Asia/Bangkok"))

    html = client.get(challenge.get_absolute_url()).content.decode()

    assert IN_JAKARTA in html
    assert "your time" not in html


def test_the_deadline_is_named_in_the_visitors_language(client, challenge):
    html = client.get(challenge.get_absolute_url(), headers={"accept-language": "id"})

    assert "29 Des 2030 17.00 WIB" in html.content.decode()


def test_a_rupiah_budget_shows_no_cents_on_the_list_and_the_challenge_page(client, challenge):
    for url in (reverse("procurement:challenge_list"), challenge.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "IDR\xa0150,000,000 \N{EN DASH} IDR\xa0900,000,000" in html
        assert "150,000,000.00" not in html


def test_a_rupiah_budget_in_bahasa_indonesia(client, challenge):
    html = client.get(challenge.get_absolute_url(), headers={"accept-language": "id"})

    assert "Rp\xa0150.000.000 \N{EN DASH} Rp\xa0900.000.000" in html.content.decode()


def test_the_price_field_shows_the_amount_without_trailing_zeros(client, challenge):
    proposal = ProposalFactory(challenge=challenge, price=Decimal("420000000.00"), currency="IDR")
    client.force_login(member_of(proposal.sme))

    html = client.get(reverse("procurement:proposal_edit", args=[proposal.pk])).content.decode()

    assert 'value="420000000"' in html
    assert "420000000.00" not in html


def test_the_budget_fields_show_the_amounts_without_trailing_zeros(client, challenge):
    client.force_login(official_of(challenge.city))
    challenge.status = "draft"
    challenge.save(update_fields=["status"])

    html = client.get(reverse("procurement:challenge_edit", args=[challenge.slug])).content
    html = html.decode()

    assert 'value="150000000"' in html and 'value="900000000"' in html
    assert "150000000.00" not in html
