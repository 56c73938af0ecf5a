"""Journey 2: a city's officials draft the application together; nobody else reads the draft."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import LETTER_MAX_BYTES, CityApplication
from tests.factories import (
    CityMembershipFactory,
    OpenCohortFactory,
    StaffFactory,
    SubmittedApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANSWERS = {
    "motivation": "Flood-proof markets",
    "resilience_challenges": "Tidal floods",
    "procurement_readiness": "Ready",
    "sme_ecosystem": "Lively",
    "leadership_commitment": "Mayor",
}


def pdf(name="letter.pdf", content=b"%PDF-1.7\n...\n%%EOF"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_official_starts_a_draft_for_their_city(client):
    cohort = OpenCohortFactory()
    membership = CityMembershipFactory()
    client.force_login(membership.user)

    response = client.post(
        reverse("cohorts:apply", args=[cohort.slug]), {"city": membership.city.pk}
    )

    application = CityApplication.objects.get()
    assert response.url == reverse("cohorts:application_edit", args=[application.pk])
    assert application.status == CityApplication.Status.DRAFT
    assert application.city == membership.city


def test_starting_twice_opens_the_same_draft(client):
    cohort = OpenCohortFactory()
    membership = CityMembershipFactory()
    client.force_login(membership.user)

    for _ in range(2):
        client.post(reverse("cohorts:apply", args=[cohort.slug]), {"city": membership.city.pk})

    assert CityApplication.objects.count() == 1


def test_a_user_without_a_city_is_sent_to_register_one(signed_in):
    cohort = OpenCohortFactory()

    response = signed_in.get(reverse("cohorts:apply", args=[cohort.slug]))

    assert response.url == reverse("cohorts:city_register")


def test_an_official_cannot_apply_for_another_city(client):
    cohort = OpenCohortFactory()
    mine, theirs = CityMembershipFactory(), CityMembershipFactory()
    client.force_login(mine.user)

    response = client.post(reverse("cohorts:apply", args=[cohort.slug]), {"city": theirs.city.pk})

    assert response.status_code == 200
    assert not CityApplication.objects.exists()


def test_a_co_official_saves_the_draft_with_a_letter(client, draft):
    colleague = CityMembershipFactory(city=draft.city).user
    client.force_login(colleague)

    client.post(
        reverse("cohorts:application_edit", args=[draft.pk]),
        {**ANSWERS, "leadership_letter": pdf(), "save": ""},
    )

    draft.refresh_from_db()
    assert draft.motivation == "Flood-proof markets"
    assert draft.status == CityApplication.Status.DRAFT
    assert draft.leadership_letter.name.startswith("cohorts/letters/")
    assert "letter.pdf" not in draft.leadership_letter.name


def test_two_officials_editing_different_sections_at_once_keep_both_answers(client, draft):
    draft.motivation, draft.sme_ecosystem = "Old motivation", "Old ecosystem"
    draft.save()
    loaded = {"motivation": "Old motivation", "sme_ecosystem": "Old ecosystem"}
    page_state = {f"initial-{field}": value for field, value in loaded.items()}
    first, second = (CityMembershipFactory(city=draft.city).user for _ in range(2))
    url = reverse("cohorts:application_edit", args=[draft.pk])

    client.force_login(first)
    client.post(url, {**page_state, **loaded, "motivation": "New motivation", "save": ""})
    client.force_login(second)
    client.post(url, {**page_state, **loaded, "sme_ecosystem": "New ecosystem", "save": ""})

    draft.refresh_from_db()
    assert draft.motivation == "New motivation"
    assert draft.sme_ecosystem == "New ecosystem"


def test_a_letter_that_is_not_a_pdf_inside_is_refused(client, draft, official):
    client.force_login(official)
    before = draft.leadership_letter.name

    response = client.post(
        reverse("cohorts:application_edit", args=[draft.pk]),
        {**ANSWERS, "leadership_letter": pdf(content=b"MZ\x90\x00 not a pdf"), "save": ""},
    )

    draft.refresh_from_db()
    assert "not one of these kinds: PDF." in response.content.decode()
    assert draft.leadership_letter.name == before


def test_a_letter_over_the_size_limit_is_refused(client, draft, official):
    client.force_login(official)
    big = b"%PDF-1.7\n" + b"0" * LETTER_MAX_BYTES

    response = client.post(
        reverse("cohorts:application_edit", args=[draft.pk]),
        {**ANSWERS, "leadership_letter": pdf(content=big), "save": ""},
    )

    page = response.content.decode()
    assert "files can be at most" in page
    assert "(5,242,880 bytes)" in page


def test_an_official_downloads_the_letter_as_an_attachment(client, draft, official):
    client.force_login(official)

    response = client.get(reverse("cohorts:application_letter", args=[draft.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_letter_is_stored_outside_the_public_media_folder(draft, settings):
    assert str(settings.MEDIA_ROOT) not in draft.leadership_letter.path
    assert str(settings.PRIVATE_MEDIA_ROOT) in draft.leadership_letter.path


@pytest.mark.parametrize("name", ["application", "application_edit", "application_letter"])
def test_an_outsider_gets_a_404_for_the_draft(client, draft, name):
    client.force_login(UserFactory())

    assert client.get(reverse(f"cohorts:{name}", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("name", ["application", "application_letter"])
def test_staff_cannot_read_a_draft(client, draft, name):
    client.force_login(StaffFactory())

    assert client.get(reverse(f"cohorts:{name}", args=[draft.pk])).status_code == 404


def test_staff_read_a_submitted_application_and_its_letter(client):
    application = SubmittedApplicationFactory()
    client.force_login(StaffFactory())

    assert client.get(reverse("cohorts:application", args=[application.pk])).status_code == 200
    letter = client.get(reverse("cohorts:application_letter", args=[application.pk]))
    assert letter.status_code == 200


def test_an_official_of_another_city_cannot_read_a_submitted_application(client):
    application = SubmittedApplicationFactory()
    client.force_login(CityMembershipFactory().user)

    assert client.get(reverse("cohorts:application", args=[application.pk])).status_code == 404


def test_a_submitted_application_can_no_longer_be_edited(client, official, draft):
    draft.status = CityApplication.Status.SUBMITTED
    draft.save()
    client.force_login(official)

    client.post(reverse("cohorts:application_edit", args=[draft.pk]), {**ANSWERS, "save": ""})

    draft.refresh_from_db()
    assert draft.motivation != "Flood-proof markets"


def test_one_application_per_city_per_cohort_is_a_database_rule(draft):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        CityApplication.objects.create(cohort=draft.cohort, city=draft.city)
