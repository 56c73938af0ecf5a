"""The demo programme prices each city's challenges in the city's own currency."""

import pytest
from django.core.management import call_command

from procurement.models import Challenge

pytestmark = pytest.mark.django_db

CURRENCY_OF_COUNTRY = {"ID": "IDR", "TH": "THB", "VN": "VND", "PH": "PHP"}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_every_demo_challenge_is_priced_in_its_citys_currency(demo):
    challenges = Challenge.objects.select_related("city")

    assert {c.city.country for c in challenges} >= {"ID", "TH", "VN"}
    for challenge in challenges:
        assert challenge.currency == CURRENCY_OF_COUNTRY[challenge.city.country], challenge.slug


def test_the_da_nang_challenge_is_in_dong(demo):
    assert set(
        Challenge.objects.filter(city__slug="da-nang").values_list("currency", flat=True)
    ) == {"VND"}


def test_seeding_again_puts_a_challenge_in_the_wrong_currency_right(demo):
    Challenge.objects.filter(city__slug="da-nang").update(currency="THB")

    call_command("seed_demo")

    assert set(
        Challenge.objects.filter(city__slug="da-nang").values_list("currency", flat=True)
    ) == {"VND"}
