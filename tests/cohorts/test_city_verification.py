"""Registering or claiming a city is a request: nothing private opens until staff verify it.

The finding behind this file: a fresh account registered "Fakeville" and downloaded every
SME's contacts; another claimed a demo city and read its application and leadership letter.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts import services
from cohorts.models import CityInvitation, CityMembership
from cohorts.services import reject_official, verify_official
from procurement.models import Challenge
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import (
    PDF_BYTES,
    ChallengeFactory,
    CityFactory,
    CityMembershipFactory,
    SMEFactory,
    StaffFactory,
    SubmittedApplicationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PRIVATE_MARKER = "private-contact@sme.example.org"
REGISTER = reverse("cohorts:city_register")


def request_form(name, **extra):
    return {
        "name": name,
        "country": "ph",
        "time_zone": "Asia/Manila",
        "position": "Disaster risk reduction officer",
        **extra,
    }


@pytest.fixture
def sme():
    return SMEFactory(contact_email=PRIVATE_MARKER, phone="+63 2 8888 0000")


@pytest.fixture
def claimed_city():
    """A city nobody represents, with a submitted application, a letter and a draft challenge."""
    application = SubmittedApplicationFactory(city__name="Iloilo City", city__slug="iloilo-city")
    ChallengeFactory(
        city=application.city,
        title="Draft: clean canals",
        slug="draft-clean-canals",
        status=Challenge.Status.DRAFT,
        published_at=None,
    )
    return application.city


@pytest.fixture(params=["registers", "claims"])
def requester(request, client, sme, claimed_city):
    """A fresh account that has just registered a new city, or claimed one with no officials."""
    user = UserFactory()
    client.force_login(user)
    name = "Fakeville" if request.param == "registers" else "Iloilo City"
    response = client.post(REGISTER, request_form(name))
    assert response.status_code == 302
    membership = CityMembership.objects.get(user=user)
    assert membership.status == CityMembership.Status.PENDING
    return membership


def private_pages(membership):
    """Every page of an official, for the requested city (and the claimed city's own files)."""
    city = membership.city
    pages = {
        "SME directory": reverse("smes:directory"),
        "SME export": reverse("smes:export"),
        "challenge drafting": reverse("procurement:challenge_create"),
        "city profile edit": reverse("cohorts:city_edit", args=[city.slug]),
        "city team": reverse("cohorts:city_team", args=[city.slug]),
    }
    application = city.applications.first()
    if application is not None:
        pages["application"] = reverse("cohorts:application", args=[application.pk])
        pages["application edit"] = reverse("cohorts:application_edit", args=[application.pk])
        pages["leadership letter"] = reverse("cohorts:application_letter", args=[application.pk])
        pages["draft challenge"] = reverse(
            "procurement:challenge_detail", args=["draft-clean-canals"]
        )
        pages["cohort application start"] = reverse("cohorts:apply", args=[application.cohort.slug])
    return pages


def test_a_request_opens_none_of_the_private_pages(client, requester):
    for label, url in private_pages(requester).items():
        response = client.get(url)
        assert response.status_code in (403, 404), label
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert PRIVATE_MARKER.encode() not in body, label
        if response.status_code == 403:
            # Not a bare refusal: the page says what the person is waiting for.
            assert b"awaiting review" in body, label


def test_a_request_shows_no_private_field_of_an_sme(client, requester, sme):
    response = client.get(reverse("smes:detail", args=[sme.slug]))

    assert PRIVATE_MARKER not in response.content.decode()


def test_a_request_can_neither_invite_nor_edit_the_city(client, requester):
    city = requester.city
    invite = client.post(
        reverse("cohorts:city_team", args=[city.slug]),
        {"email": "friend@example.org", "role": "member"},
    )
    edit = client.post(
        reverse("cohorts:city_edit", args=[city.slug]),
        {"name": "Hijacked", "country": "PH", "time_zone": "UTC"},
    )

    assert invite.status_code == 404
    assert edit.status_code == 404
    assert not CityInvitation.objects.exists()
    city.refresh_from_db()
    assert city.name != "Hijacked"


def test_a_request_drafts_no_challenge(client, requester):
    response = client.post(reverse("procurement:challenge_create"), {"title": "Mine now"})

    assert response.status_code == 403
    assert not Challenge.objects.filter(title="Mine now").exists()


def test_once_verified_every_private_page_opens(client, requester, staff):
    verify_official(requester, by=staff)

    for label, url in private_pages(requester).items():
        response = client.get(url)
        if label == "application edit":
            # A submitted application is no longer a draft: its official is sent to read it.
            assert response.status_code == 302, label
        else:
            assert response.status_code == 200, label
    directory = client.get(reverse("smes:export"))
    assert PRIVATE_MARKER in b"".join(directory.streaming_content).decode("utf-8-sig")


def test_the_city_page_stays_public_and_tells_the_requester_they_wait(client, requester):
    response = client.get(requester.city.get_absolute_url())

    assert response.status_code == 200
    assert "awaiting review" in response.content.decode()
    assert reverse("cohorts:city_edit", args=[requester.city.slug]) not in response.content.decode()


def test_the_dashboard_says_the_request_awaits_review(client, requester):
    response = client.get(reverse("dashboard"))

    assert "is awaiting review" in response.content.decode()
    assert requester.city.name in response.content.decode()


# --- staff verify or reject ---------------------------------------------------------------


@pytest.fixture
def pending():
    return CityMembershipFactory(
        status=CityMembership.Status.PENDING,
        role=CityMembership.Role.LEAD,
        position="Chief resilience officer",
        user__email="ana@iloilocity.gov.ph",
        user__language="vi",
    )


def test_staff_see_the_request_with_its_evidence_in_the_queue(client, staff, pending):
    client.force_login(staff)

    page = client.get(reverse("cohorts:official_requests")).content.decode()

    assert pending.city.name in page
    assert "Chief resilience officer" in page
    assert "iloilocity.gov.ph" in page


@pytest.mark.parametrize("size", [1, 8])
def test_the_queue_runs_a_constant_number_of_queries(
    client, staff, size, django_assert_max_num_queries
):
    CityMembershipFactory.create_batch(size, status=CityMembership.Status.PENDING)
    client.force_login(staff)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("cohorts:official_requests"))

    assert len(response.context["pending"]) == size


def test_people_who_are_not_staff_cannot_reach_the_queue(client, pending):
    official = CityMembershipFactory().user
    client.force_login(official)

    assert client.get(reverse("cohorts:official_requests")).status_code == 403
    response = client.post(
        reverse("cohorts:official_request_decide", args=[pending.pk]), {"decision": "verify"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == CityMembership.Status.PENDING


def test_staff_verify_and_the_person_is_told_in_their_language(
    client, staff, pending, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:official_request_decide", args=[pending.pk]), {"decision": "verify"}
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CityMembership.Status.VERIFIED
    assert pending.decided_by == staff
    assert pending.city.has_official(pending.user)
    assert [m.to for m in mailoutbox] == [[pending.user.email]]
    message = mailoutbox[0]
    assert message.alternatives, "an HTML part goes with the text"
    assert message.body.startswith("Kính gửi ")  # Vietnamese, the person's language
    assert pending.city.name in message.subject
    entry = trail(pending).first()
    assert entry.action == "city.official_verified"
    assert entry.actor == staff


def test_staff_reject_with_a_reason_and_the_person_reads_it(
    client, staff, pending, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cohorts:official_request_decide", args=[pending.pk]),
            {"decision": "reject", "reason": "Send a letter from the mayor's office."},
        )

    pending.refresh_from_db()
    assert pending.status == CityMembership.Status.REJECTED
    assert not pending.city.has_official(pending.user)
    assert "Send a letter from the mayor's office." in mailoutbox[0].body
    entry = trail(pending).first()
    assert entry.action == "city.official_rejected"
    assert entry.message == "Send a letter from the mayor's office."


def test_a_rejection_without_a_reason_is_refused_on_the_form(client, staff, pending, mailoutbox):
    client.force_login(staff)

    response = client.post(
        reverse("cohorts:official_request_decide", args=[pending.pk]), {"decision": "reject"}
    )

    assert response.status_code == 400
    assert "Give the person a reason" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CityMembership.Status.PENDING
    assert not mailoutbox


def test_the_rejection_service_itself_refuses_an_empty_reason(staff, pending):
    with pytest.raises(Refused):
        reject_official(pending, by=staff, reason="  ")


def test_only_staff_can_verify_even_through_the_service(pending):
    official = CityMembershipFactory(city=pending.city).user

    with pytest.raises(Refused):
        verify_official(pending, by=official)

    pending.refresh_from_db()
    assert pending.status == CityMembership.Status.PENDING


def test_a_decided_request_cannot_be_decided_again(staff, pending):
    reject_official(pending, by=staff, reason="Unknown person.")

    with pytest.raises(Refused):
        verify_official(pending, by=staff)


def test_the_email_is_in_the_persons_own_language(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    english = CityMembershipFactory(status=CityMembership.Status.PENDING, user__language="en")
    thai = CityMembershipFactory(status=CityMembership.Status.PENDING, user__language="th")
    staff.language = "vi"
    staff.save()

    with django_capture_on_commit_callbacks(execute=True):
        verify_official(english, by=staff)
        verify_official(thai, by=staff)

    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[english.user.email].body.startswith("Dear ")
    # The greeting is in the catalogues already; the new sentences follow the translation pass.
    assert by_address[thai.user.email].body.startswith("เรียน ")
    assert "เรียน " in by_address[thai.user.email].alternatives[0][0]


def test_a_rejected_person_may_ask_again_with_more_evidence(client, staff):
    user = UserFactory()
    client.force_login(user)
    client.post(REGISTER, request_form("Fakeville"))
    membership = CityMembership.objects.get(user=user)
    reject_official(membership, by=staff, reason="Which office?")

    letter = SimpleUploadedFile("appointment.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(REGISTER, {**request_form("Fakeville"), "letter": letter})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == CityMembership.Status.PENDING
    assert membership.evidence_letter
    assert membership.evidence_letter_name == "appointment.pdf"


def test_staff_download_the_letter_and_others_cannot(client, staff):
    user = UserFactory()
    client.force_login(user)
    letter = SimpleUploadedFile("appointment.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(REGISTER, {**request_form("Fakeville"), "letter": letter})
    membership = CityMembership.objects.get(user=user)
    url = reverse("cohorts:official_request_letter", args=[membership.pk])

    assert client.get(url).status_code == 403
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_letter_that_is_not_a_document_is_a_form_error(signed_in, user):
    fake = SimpleUploadedFile("letter.pdf", b"MZ not a pdf", content_type="application/pdf")

    response = signed_in.post(REGISTER, {**request_form("Fakeville"), "letter": fake})

    assert response.status_code == 200
    assert not CityMembership.objects.filter(user=user).exists()


def test_the_staff_dashboard_counts_the_waiting_requests(client, staff, pending):
    CityMembershipFactory(status=CityMembership.Status.PENDING)
    client.force_login(staff)

    page = client.get(reverse("dashboard")).content.decode()

    assert "2 city requests are waiting for verification" in page
    assert reverse("cohorts:official_requests") in page


# --- invitations: a verified official vouches -----------------------------------------------


def test_an_invitation_from_a_verified_official_grants_access_at_once(client):
    inviter = CityMembershipFactory()
    invitation = services.invite_colleague(
        city=inviter.city, email="colleague@example.org", by=inviter.user
    )
    colleague = UserFactory(email="colleague@example.org")

    services.accept_invitation(invitation, colleague)

    membership = CityMembership.objects.get(user=colleague)
    assert membership.status == CityMembership.Status.VERIFIED
    client.force_login(colleague)
    assert client.get(reverse("cohorts:city_edit", args=[inviter.city.slug])).status_code == 200
    assert [e.action for e in trail(invitation)] == ["invitation.accepted"]
    assert trail(inviter.city).filter(action="city.official_added").exists()


def test_an_invitation_settles_a_pending_request_of_the_invited_person(client):
    inviter = CityMembershipFactory()
    requester = CityMembershipFactory(city=inviter.city, status=CityMembership.Status.PENDING)
    invitation = services.invite_colleague(
        city=inviter.city, email=requester.user.email, by=inviter.user
    )

    services.accept_invitation(invitation, requester.user)

    requester.refresh_from_db()
    assert requester.status == CityMembership.Status.VERIFIED
    assert trail(requester).first().action == "city.official_verified"


def test_a_person_awaiting_review_cannot_invite(pending):
    with pytest.raises(Refused):
        services.invite_colleague(city=pending.city, email="friend@example.org", by=pending.user)


def test_a_city_with_a_verified_official_cannot_be_claimed(signed_in, user):
    CityMembershipFactory(city=CityFactory(name="Fakeville", slug="fakeville"))

    response = signed_in.post(REGISTER, request_form("Fakeville"))

    assert response.status_code == 200
    assert not CityMembership.objects.filter(user=user).exists()


def test_staff_are_told_of_a_new_request_each_in_their_language(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    thai_staff = StaffFactory(language="th")
    UserFactory(is_staff=True, language="en")  # staff flag without the group: not told
    user = UserFactory(full_name="Maria Santos")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, request_form("Fakeville"))

    assert response.status_code == 302
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        [staff.email, thai_staff.email]
    )
    english = next(m for m in mailoutbox if m.to == [staff.email])
    assert english.subject == "Request to represent Fakeville waiting for review"
    assert "Maria Santos" in english.body and "Disaster risk reduction officer" in english.body
    assert reverse("cohorts:official_requests") in english.body
    assert reverse("cohorts:official_requests") in english.alternatives[0][0]
    thai = next(m for m in mailoutbox if m.to == [thai_staff.email])
    assert thai.extra_headers["Content-Language"] == "th"


def test_no_staff_notice_when_a_request_is_refused(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    client.post(REGISTER, request_form("Fakeville"))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(REGISTER, request_form("Fakeville"))

    assert again.status_code == 200
    assert mailoutbox == []
