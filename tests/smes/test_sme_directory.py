"""Officials and staff search the directory with combined filters; SMEs see only public parts."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from smes.models import SME, Sector
from tests.factories import (
    CityFactory,
    CityMembershipFactory,
    SMEFactory,
    SMEMembershipFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("smes:directory")
EXPORT = reverse("smes:export")


@pytest.fixture
def official(client):
    user = CityMembershipFactory().user
    client.force_login(user)
    return user


@pytest.fixture
def market():
    semarang = CityFactory(name="Semarang", slug="semarang", country="ID")
    bangkok = CityFactory(name="Bangkok", slug="bangkok", country="TH")
    water, energy = Sector.objects.get(code="water"), Sector.objects.get(code="energy")
    smes = {
        "sensors": SMEFactory(
            legal_name="Banjir Sensors",
            city=semarang,
            country="ID",
            employees=8,
            women_led=True,
            verification=SME.Verification.VERIFIED,
            capabilities="River level sensors and flood alerts",
            contact_email="hello@banjir.example.org",
        ),
        "solar": SMEFactory(
            legal_name="Surya Roofs",
            city=semarang,
            country="ID",
            employees=60,
            capabilities="Rooftop solar installation",
        ),
        "klong": SMEFactory(
            legal_name="Klong Clean",
            city=bangkok,
            employees=30,
            women_led=True,
            verification=SME.Verification.VERIFIED,
            capabilities="Canal cleaning boats and water quality monitoring",
        ),
    }
    smes["sensors"].sectors.add(water)
    smes["solar"].sectors.add(energy)
    smes["klong"].sectors.add(water)
    return smes


def names(response):
    return sorted(sme.legal_name for sme in response.context["page"].object_list)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_official_sees_full_profiles(client, official, market):
    response = client.get(URL)
    assert names(response) == ["Banjir Sensors", "Klong Clean", "Surya Roofs"]
    page = client.get(market["sensors"].get_absolute_url()).content.decode()
    assert "hello@banjir.example.org" in page
    assert market["sensors"].registration_number in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sector": "water"}, ["Banjir Sensors", "Klong Clean"]),
        ({"sector": "water", "city": "semarang"}, ["Banjir Sensors"]),
        ({"country": "TH"}, ["Klong Clean"]),
        ({"size": "medium"}, ["Surya Roofs"]),
        ({"size": "micro", "women_led": "on"}, ["Banjir Sensors"]),
        ({"women_led": "on", "verified": "on"}, ["Banjir Sensors", "Klong Clean"]),
        ({"q": "solar"}, ["Surya Roofs"]),
        ({"q": "water", "city": "bangkok"}, ["Klong Clean"]),
        ({"q": "clean"}, ["Klong Clean"]),
        ({"q": "sens"}, ["Banjir Sensors"]),
        ({"q": "sol"}, ["Surya Roofs"]),
        ({"q": "rooftop sol"}, ["Surya Roofs"]),
        # Every word narrows the search; the last is read as the start of a word.
        ({"q": "canal clea"}, ["Klong Clean"]),
        ({"q": "river level sens"}, ["Banjir Sensors"]),
        ({"q": "river clea"}, []),
        ({"q": "nothing-like-this"}, []),
        ({"sector": "no-such-sector"}, ["Banjir Sensors", "Klong Clean", "Surya Roofs"]),
    ],
)
def test_filters_combine(client, official, market, query, expected):
    assert names(client.get(URL, query)) == expected


def test_a_city_added_since_the_last_search_can_be_filtered_on(client, official, market):
    assert names(client.get(URL, {"city": "semarang"})) == ["Banjir Sensors", "Surya Roofs"]
    da_nang = CityFactory(name="Da Nang", slug="da-nang", country="VN")
    SMEFactory(legal_name="Han River Boats", city=da_nang, country="VN")
    assert names(client.get(URL, {"city": "da-nang"})) == ["Han River Boats"]


def test_text_search_uses_the_stored_vector_on_postgresql(market):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    sql = str(SME.objects.search("flood").query)
    assert "search_vector" in sql and "@@" in sql
    assert SME.objects.search("flooding").get() == market["sensors"]  # stemmed


def test_sme_member_sees_only_the_public_part(client, market):
    member = SMEMembershipFactory(sme=market["solar"])
    client.force_login(member.user)
    response = client.get(URL)
    page = response.content.decode()
    assert "Banjir Sensors" in page
    assert not response.context["full"]
    assert "size" not in response.context["form"].fields
    # Filters on private facts are ignored rather than leaking them.
    assert names(client.get(URL, {"size": "medium"})) == [
        "Banjir Sensors",
        "Klong Clean",
        "Surya Roofs",
    ]
    profile = client.get(market["sensors"].get_absolute_url()).content.decode()
    assert "River level sensors" in profile
    assert "hello@banjir.example.org" not in profile
    assert market["sensors"].registration_number not in profile
    assert "Documents" not in profile


def test_filters_stay_in_the_pagination_links(client, official):
    city = CityFactory(slug="semarang", country="ID")
    water = Sector.objects.get(code="water")
    for _number in range(30):
        SMEFactory(city=city, country="ID").sectors.add(water)
    response = client.get(URL, {"sector": "water", "city": "semarang"})
    page = response.content.decode()
    assert response.context["page"].paginator.count == 30
    assert "?sector=water&amp;city=semarang&amp;page=2" in page
    second = client.get(URL, {"sector": "water", "city": "semarang", "page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize(
    "query",
    [
        {"q": "local", "city": "semarang"},
        {"q": "local solu", "sector": "water", "size": "small", "verified": "on"},
    ],
)
@pytest.mark.parametrize("size", [5, 40])
def test_directory_runs_a_constant_number_of_queries(
    client, official, size, query, django_assert_max_num_queries
):
    city = CityFactory(slug="semarang", country="ID")
    sectors = list(Sector.objects.filter(code__in=["energy", "waste", "water"]))
    for _number in range(size):
        SMEFactory(city=city, country="ID", verification=SME.Verification.VERIFIED).sectors.add(
            *sectors
        )
    # Every role is asked in one query per request; the filter's lists need none, and the
    # city and sector are looked up inside the search's own queries.
    with django_assert_max_num_queries(7):
        response = client.get(URL, query)
    assert len(response.context["page"].object_list) == min(size, 25)
    assert response.context["page"].paginator.count == size  # each SME once, in three sectors


def test_htmx_request_gets_only_the_results(client, official, market):
    response = client.get(URL, {"sector": "water"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Banjir Sensors" in page
    assert "<html" not in page
    assert "/smes/export.csv?sector=water" in page  # the export follows the filters


def export_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_official_exports_the_filtered_list_as_csv(client, official, market):
    response = client.get(EXPORT, {"sector": "water", "verified": "on"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = export_rows(response)
    assert rows[0][0] == "Legal name"
    assert sorted(row[0] for row in rows[1:]) == ["Banjir Sensors", "Klong Clean"]
    sensors = next(row for row in rows if row[0] == "Banjir Sensors")
    assert "hello@banjir.example.org" in sensors
    assert "Water and sanitation" in sensors


def test_staff_export_too(client, market):
    client.force_login(StaffFactory())
    assert len(export_rows(client.get(EXPORT))) == 4


def test_csv_cells_that_look_like_formulas_are_defused(client, official):
    SMEFactory(legal_name='=HYPERLINK("http://evil")')
    rows = export_rows(client.get(EXPORT))
    assert rows[1][0].startswith("'=")


@pytest.mark.parametrize("who", ["sme_member", "no_role"])
def test_export_is_refused_to_everyone_but_officials_and_staff(client, market, who):
    from tests.factories import UserFactory

    user = SMEMembershipFactory().user if who == "sme_member" else UserFactory()
    client.force_login(user)
    assert client.get(EXPORT).status_code == 403


def test_export_refuses_anonymous_visitors(client):
    assert client.get(EXPORT).status_code == 302


def test_directory_and_export_list_smes_by_the_name_shown_whatever_the_letter_case(
    client, official
):
    SMEFactory(legal_name="PT Zebra Air", trading_name="airbersih")
    SMEFactory(legal_name="CV Kali Bersih", trading_name="")
    SMEFactory(legal_name="Aa Legal Name Co", trading_name="Mangrove Lestari")
    page = client.get(URL).content.decode()
    shown = [page.index(name) for name in ("airbersih", "CV Kali Bersih", "Mangrove Lestari")]
    assert shown == sorted(shown)
    rows = export_rows(client.get(EXPORT))
    assert [row[0] for row in rows[1:]] == ["PT Zebra Air", "CV Kali Bersih", "Aa Legal Name Co"]


def test_export_starts_with_a_byte_order_mark_so_spreadsheets_read_thai_names(client, official):
    SMEFactory(legal_name="บริษัท คลองสะอาด จำกัด")
    content = b"".join(client.get(EXPORT).streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert "บริษัท คลองสะอาด จำกัด" in content.decode("utf-8-sig")


def test_the_filters_chosen_stay_chosen_on_the_results_page(client, official, market):
    page = client.get(URL, {"city": "bangkok", "country": "TH", "sector": "water"}).content.decode()

    assert '<option value="bangkok" selected>Bangkok</option>' in page
    assert '<option value="TH" selected>' in page
    assert '<option value="water" selected>' in page
    assert '<option value="semarang">Semarang</option>' in page
    assert '<option value="" selected>Any</option>' in page  # size, not chosen
