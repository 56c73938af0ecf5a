"""One date style and one money style per language: day first with the month named, a 24-hour
clock with its zone, grouped amounts with only the decimals a currency has in use."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from procurement import services
from procurement.models import Challenge
from resilience_portal.formatting import format_moment, format_money
from resilience_portal.refusals import Refused
from smes.models import SME
from tests.factories import (
    ChallengeFactory,
    CityFactory,
    CompleteSMEFactory,
    ProposalFactory,
    StaffFactory,
    member_of,
)

ASKED = datetime.datetime(2026, 12, 1, 7, 23, 10, tzinfo=datetime.UTC)
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 Dec 2026, 14:23 UTC+7"),
        ("id", "1 Des 2026 14.23 UTC+7"),
        ("th", "1 ธ.ค. 2026 14:23 น. UTC+7"),
        ("vi", "14:23 UTC+7 1 thg 12, 2026"),
    ],
)
def test_a_moment_reads_day_first_on_a_24_hour_clock_with_its_zone(language, expected):
    assert format_moment(ASKED, zone="Asia/Bangkok", language=language) == expected


def test_a_zone_with_a_name_is_called_by_it():
    assert format_moment(ASKED, zone="Asia/Jakarta", language="en") == "1 Dec 2026, 14:23 WIB"
    assert format_moment(ASKED, zone="UTC", language="en") == "1 Dec 2026, 07:23 UTC"


@pytest.mark.parametrize("language", ["en", "id", "th", "vi"])
def test_the_template_filter_writes_the_active_languages_style_in_the_active_zone(language):
    afternoon = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    with translation.override(language):
        text = Template("{{ when|moment }}").render(Context({"when": afternoon}))
    assert text == format_moment(afternoon, zone="UTC", language=language)
    assert "p.m." not in text and "12/01" not in text and ".." not in text


@pytest.mark.parametrize(
    ("language", "currency", "whole", "with_cents"),
    [
        ("en", "IDR", f"IDR{NBSP}150,000,000", None),
        ("en", "VND", "₫150,000,000", None),
        ("en", "THB", f"THB{NBSP}150,000,000.00", f"THB{NBSP}1,234.50"),
        ("en", "PHP", "₱150,000,000.00", "₱1,234.50"),
        ("en", "USD", "US$150,000,000.00", "US$1,234.50"),
        ("id", "IDR", f"Rp{NBSP}150.000.000", None),
        ("id", "VND", "₫150.000.000", None),
        ("id", "THB", "฿150.000.000,00", "฿1.234,50"),
        ("id", "PHP", f"PHP{NBSP}150.000.000,00", f"PHP{NBSP}1.234,50"),
        ("id", "USD", "US$150.000.000,00", "US$1.234,50"),
        ("th", "IDR", f"IDR{NBSP}150,000,000", None),
        ("th", "VND", "₫150,000,000", None),
        ("th", "THB", "฿150,000,000.00", "฿1,234.50"),
        ("th", "PHP", f"PHP{NBSP}150,000,000.00", f"PHP{NBSP}1,234.50"),
        ("th", "USD", "US$150,000,000.00", "US$1,234.50"),
        ("vi", "IDR", f"150.000.000{NBSP}IDR", None),
        ("vi", "VND", f"150.000.000{NBSP}₫", None),
        ("vi", "THB", f"150.000.000,00{NBSP}฿", f"1.234,50{NBSP}฿"),
        ("vi", "PHP", f"150.000.000,00{NBSP}PHP", f"1.234,50{NBSP}PHP"),
        ("vi", "USD", f"150.000.000,00{NBSP}US$", f"1.234,50{NBSP}US$"),
    ],
)
def test_money_is_grouped_with_the_decimals_its_currency_has_in_use(
    language, currency, whole, with_cents
):
    assert format_money(Decimal("150000000.00"), currency, language=language) == whole
    if with_cents:
        assert format_money(Decimal("1234.5"), currency, language=language) == with_cents


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 Dec 2026, 14:23 UTC+7"),
        ("id", "1 Des 2026 14.23 UTC+7"),
        ("th", "1 ธ.ค. 2026 14:23 น. UTC+7"),
        ("vi", "14:23 UTC+7 1 thg 12, 2026"),
    ],
)
def test_the_verification_queue_dates_a_request_without_month_day_ambiguity(
    client, language, expected
):
    sme = CompleteSMEFactory(verification=SME.Verification.PENDING)
    SME.objects.filter(pk=sme.pk).update(verification_requested_at=ASKED)
    client.force_login(StaffFactory(language=language, time_zone="Asia/Bangkok"))

    page = client.get(reverse("smes:verification_queue")).content.decode()

    assert expected in page
    assert "12/01/2026" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "month"), [("en", "Dec"), ("id", "Des"), ("vi", "thg 12")])
def test_the_late_submission_refusal_names_the_deadline_in_the_citys_time(language, month):
    city = CityFactory(name="Semarang", country="ID", time_zone="Asia/Jakarta")
    proposal = ProposalFactory(challenge=ChallengeFactory(city=city, currency="IDR"))
    deadline = datetime.datetime(2026, 12, 1, 7, 33, 10, tzinfo=datetime.UTC)
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=deadline - datetime.timedelta(days=1), submissions_close=deadline
    )
    proposal.challenge.refresh_from_db()

    with translation.override(language), pytest.raises(Refused) as refusal:
        services.submit_proposal(proposal, by=member_of(proposal.sme))

    message = str(refusal.value)
    assert "14" in message and "33" in message and "WIB" in message and month in message
    assert "Semarang" in message
    assert "2026-12-01T07:33:10+00:00" not in message and "+00:00" not in message
