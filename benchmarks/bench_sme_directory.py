"""SME directory: server time of typical searches with 100,000 SMEs, as a city official."""

from django.test import Client

from .timing import measure, report

SMES = 100_000
SEARCHES = [
    ("all SMEs, first page", "/smes/"),
    ("text: solar", "/smes/?q=solar"),
    ("text + city: flood warning, Bangkok", "/smes/?q=flood+warning&city=bangkok"),
    ("sector + size + verified", "/smes/?sector=water&size=small&verified=on"),
    ("text + women-led, page 3", "/smes/?q=water&women_led=on&page=3"),
    ("prefix while typing: mang", "/smes/?q=mang"),
]


def _ensure_smes():
    from smes.management.commands.generate_smes import generate
    from smes.models import SME

    missing = SMES - SME.objects.count()
    if missing > 0:
        print(f"   creating {missing} SMEs ...")
        generate(missing)


def _official_client():
    from cohorts.models import CityMembership
    from resilience_portal.models import User
    from smes.demo import demo_city

    user, _created = User.objects.get_or_create(
        email="bench.official@example.org", defaults={"full_name": "Bench Official"}
    )
    CityMembership.objects.get_or_create(
        city=demo_city("bangkok"),
        user=user,
        defaults={"status": CityMembership.Status.VERIFIED},
    )
    client = Client()
    client.force_login(user)
    return client


def run():
    from django.db import connection

    _ensure_smes()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE procurement_sme")
        cursor.execute("ANALYZE procurement_sme_sectors")
    client = _official_client()
    for label, path in SEARCHES:
        report(label, measure(path, client=client))
