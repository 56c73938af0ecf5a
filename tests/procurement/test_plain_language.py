"""Advice for challenge writers: long sentences, jargon, acronyms and readability, in two languages."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from procurement.plain_language import advice_for, guess_language
from tests.factories import ChallengeFactory, CityFactory, CohortFactory, StaffFactory, official_of

pytestmark = pytest.mark.django_db

LONG_EN = (
    "The city would like every small business that knows about drainage, flood warnings or "
    "raised market stalls to tell us how it would keep the traders of the old market working "
    "during the monsoon floods."
)
LONG_ID = (
    "Kota ingin setiap usaha kecil yang memahami drainase, peringatan banjir atau kios pasar "
    "yang ditinggikan untuk menjelaskan kepada kami bagaimana para pedagang di pasar lama "
    "tetap dapat berjualan selama banjir musim hujan tiba."
)
PLAIN_EN = (
    "Markets flood every monsoon. Traders lose a week of sales each time. We want that to stop."
)
PLAIN_ID = "Pasar di kota kami banjir setiap musim hujan. Pedagang kehilangan penjualan. Kami ingin itu berhenti."


def kinds(text):
    return [item.kind for item in advice_for(text)]


def test_the_language_of_the_text_is_recognised():
    assert guess_language(PLAIN_EN) == "en"
    assert guess_language(PLAIN_ID) == "id"
    assert guess_language("ตลาดน้ำท่วมทุกปี") == "th"


@pytest.mark.parametrize("text", [PLAIN_EN, PLAIN_ID])
def test_plain_text_gets_no_advice(text):
    assert advice_for(text) == []


@pytest.mark.parametrize("text", [LONG_EN, LONG_ID])
def test_a_sentence_over_25_words_is_named_with_its_length(text):
    [advice] = [item for item in advice_for(text) if item.kind == "long_sentence"]
    assert "words" in advice.message
    assert advice.excerpt.split()[0] == text.split()[0]


@pytest.mark.parametrize(
    ("text", "term", "plainer"),
    [
        ("Every tenderer sends a price.", "tenderer", "business that applies"),
        ("Setiap penawar mengirim harga.", "penawar", "usaha yang melamar"),
        (
            "Kirim kerangka acuan kerja kepada kami.",
            "kerangka acuan kerja",
            "apa yang diminta kota",
        ),
    ],
)
def test_procurement_jargon_is_named_with_a_plainer_word(text, term, plainer):
    [advice] = [item for item in advice_for(text) if item.kind == "jargon"]
    assert term in advice.message and plainer in advice.message


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("Send the TOR with your price.", "TOR"),
        ("Kirim dokumen KAK dan harga kepada kami.", "KAK"),
    ],
)
def test_an_acronym_without_its_long_form_is_named(text, acronym):
    [advice] = [item for item in advice_for(text) if item.kind == "acronym"]
    assert acronym in advice.message


@pytest.mark.parametrize(
    "text",
    [
        "Send the terms of reference (TOR) with your price. The TOR is short.",
        "Kirim kerangka acuan (KAK) dan harga kepada kami.",
        "Prices in THB, documents as PDF.",
    ],
)
def test_an_acronym_spelled_out_or_known_gets_no_advice(text):
    assert "acronym" not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Notwithstanding the aforementioned stipulations, remuneration considerations "
        "necessitate comprehensive documentation. Organisational capabilities, "
        "infrastructural interdependencies and institutional accountability determine "
        "eligibility. Consequently, administrative verification precedes authorisation.",
        "Berdasarkan ketentuan peraturan perundang-undangan, pertanggungjawaban "
        "administratif memerlukan pendokumentasian menyeluruh. Kemampuan organisasional, "
        "ketergantungan infrastruktural, dan akuntabilitas kelembagaan menentukan "
        "kelayakan. Selanjutnya, verifikasi administratif mendahului pengesahan.",
    ],
)
def test_hard_text_gets_a_readability_score(text):
    [advice] = [item for item in advice_for(text) if item.kind == "readability"]
    assert "Reading ease" in advice.message


@pytest.fixture
def official():
    city = CityFactory()
    cohort = CohortFactory()
    cohort.cities.add(city)
    return official_of(city)


def test_advice_appears_beside_the_field_as_the_official_types(client, official):
    client.force_login(official)
    response = client.post(
        reverse("procurement:challenge_advice") + "?field=problem_statement",
        {"problem_statement": "Every tenderer sends the TOR."},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="advice-problem_statement"' in page
    assert "business that applies" in page and "TOR" in page


def test_advice_while_typing_is_for_officials_only(client):
    client.force_login(StaffFactory(is_staff=False))
    response = client.post(
        reverse("procurement:challenge_advice") + "?field=problem_statement",
        {"problem_statement": "Every tenderer sends the TOR."},
    )
    assert response.status_code == 403


def test_advice_for_an_unknown_field_is_not_found(client, official):
    client.force_login(official)
    url = reverse("procurement:challenge_advice") + "?field=title"
    assert client.post(url, {"title": "x"}).status_code == 404


def test_advice_never_blocks_saving_and_shows_on_the_saved_draft(client, official):
    from tests.procurement.test_challenge_pages import form_data

    city = official.city_memberships.get().city
    client.force_login(official)
    data = form_data(city, city.cohorts.get(), weights=(100,))
    data["problem_statement"] = "Every tenderer must read the TOR. " + LONG_EN
    response = client.post(reverse("procurement:challenge_create"), data)
    challenge = Challenge.objects.get(title="Shade for street vendors")
    assert response.status_code == 302
    saved_page = client.get(response.url).content.decode()
    assert "plain-language advice wait beside the fields" in saved_page
    page = client.get(reverse("procurement:challenge_edit", args=[challenge.slug])).content
    page = page.decode()
    assert 'data-advice="jargon"' in page
    assert 'data-advice="acronym"' in page
    assert 'data-advice="long_sentence"' in page


def test_staff_see_the_same_advice_in_the_approval_queue(client):
    pending = ChallengeFactory(
        status=Challenge.Status.PENDING_APPROVAL,
        problem_statement="Setiap penawar wajib membaca KAK sebelum mengirim harga.",
    )
    client.force_login(StaffFactory())
    page = client.get(reverse("procurement:approval_queue")).content.decode()
    assert pending.title in page
    assert "usaha yang melamar" in page
    assert "KAK" in page


def test_the_approval_queue_is_for_staff_only(client, official):
    client.force_login(official)
    assert client.get(reverse("procurement:approval_queue")).status_code == 403
