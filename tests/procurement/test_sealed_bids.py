"""Sealed bids: before the deadline no official, evaluator or staff member reads any proposal.

Every route that could show a proposal's content or attachments is tried before
the deadline (refused, 404, no content in the response) and after it (allowed).
"""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Challenge, Proposal, ProposalAttachment
from resilience_portal.scanning import ScanStatus
from tests.factories import ProposalFactory, StaffFactory, UserFactory, member_of, official_of

pytestmark = pytest.mark.django_db

SECRET = "Our secret floating-stall design"
PDF = b"%PDF-1.4\nsecret attachment\n%%EOF\n"


@pytest.fixture
def sealed(settings, tmp_path):
    """A submitted proposal with an attachment, before the deadline."""
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory(solution=SECRET)
    member = member_of(proposal.sme)
    services.add_proposal_attachment(
        proposal,
        by=member,
        upload=SimpleUploadedFile("design.pdf", PDF),
        name="design.pdf",
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF).hexdigest(),
        scan_status=ScanStatus.CLEAN,
    )
    services.submit_proposal(proposal, by=member)
    return proposal


def unseal(proposal):
    past = timezone.now() - datetime.timedelta(seconds=1)
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=past - datetime.timedelta(days=1), submissions_close=past
    )


def routes(proposal):
    attachment = proposal.attachments.get()
    slug = proposal.challenge.slug
    return [
        reverse("procurement:proposal_detail", args=[proposal.pk]),
        reverse("procurement:attachment_download", args=[proposal.pk, attachment.pk]),
        reverse("procurement:receipt_content", args=[proposal.pk, proposal.version]),
        reverse("procurement:proposal_table", args=[slug]),
        reverse("procurement:proposal_table_csv", args=[slug]),
    ]


def readers(proposal):
    return {
        "official": official_of(proposal.challenge.city),
        "staff": StaffFactory(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


@pytest.mark.parametrize("who", ["official", "staff", "superuser"])
def test_no_reader_opens_any_route_before_deadline(client, sealed, who):
    client.force_login(readers(sealed)[who])
    for url in routes(sealed):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET.encode() not in response.content


@pytest.mark.parametrize("who", ["official", "staff"])
def test_city_official_and_staff_open_every_route_after_deadline(client, sealed, who):
    reader = readers(sealed)[who]
    unseal(sealed)
    client.force_login(reader)
    for url in routes(sealed):
        assert client.get(url).status_code == 200, url
    assert SECRET in client.get(routes(sealed)[0]).content.decode()
    download = client.get(routes(sealed)[1])
    assert b"".join(download.streaming_content) == PDF


def test_official_of_another_city_never_opens_proposals(client, sealed):
    unseal(sealed)
    client.force_login(official_of(ProposalFactory().challenge.city))
    for url in routes(sealed):
        assert client.get(url).status_code == 404, url


def test_sme_members_of_another_sme_never_see_it(client, sealed):
    client.force_login(member_of(ProposalFactory(challenge=sealed.challenge).sme))
    unseal(sealed)
    for url in routes(sealed)[:3]:
        assert client.get(url).status_code == 404, url


def test_own_members_always_see_their_proposal(client, sealed):
    client.force_login(member_of(sealed.sme))
    response = client.get(routes(sealed)[0])
    assert SECRET in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, sealed):
    unseal(sealed)
    response = client.get(routes(sealed)[0])
    assert response.status_code == 302


def test_visible_to_hides_content_before_deadline(sealed):
    for reader in readers(sealed).values():
        assert not Proposal.objects.visible_to(reader).exists()
        assert not ProposalAttachment.objects.visible_to(reader).exists()


def test_drafts_and_withdrawn_stay_hidden_after_deadline(sealed):
    draft = ProposalFactory(challenge=sealed.challenge)
    unseal(sealed)
    official = official_of(sealed.challenge.city)
    assert list(Proposal.objects.visible_to(official)) == [sealed]
    assert draft not in Proposal.objects.visible_to(official)


def test_challenge_page_does_not_show_content_before_deadline(client, sealed):
    for reader in readers(sealed).values():
        client.force_login(reader)
        response = client.get(sealed.challenge.get_absolute_url())
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert "250,000" not in response.content.decode()


@pytest.mark.parametrize("url_name", ["admin:procurement_proposal_change"])
def test_admin_hides_content_before_deadline_and_shows_it_after(client, sealed, url_name):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    listing = client.get(reverse("admin:procurement_proposal_changelist"))
    assert listing.status_code == 200
    assert SECRET not in listing.content.decode()
    change = client.get(reverse(url_name, args=[sealed.pk]))
    assert change.status_code == 200
    assert SECRET not in change.content.decode()
    assert "250000" not in change.content.decode()
    unseal(sealed)
    assert SECRET in client.get(reverse(url_name, args=[sealed.pk])).content.decode()


def test_admin_search_cannot_probe_sealed_content(client, sealed):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:procurement_proposal_changelist"), {"q": "floating"})
    assert response.status_code == 200
    assert sealed.sme.legal_name not in response.content.decode()
    # The allowed twin: the same search by the SME's name finds its row.
    by_name = client.get(
        reverse("admin:procurement_proposal_changelist"), {"q": sealed.sme.legal_name}
    )
    assert sealed.sme.legal_name in by_name.content.decode()


def test_no_email_to_officials_or_staff_carries_content(
    sealed, mailoutbox, django_capture_on_commit_callbacks
):
    official = official_of(sealed.challenge.city)
    StaffFactory()
    member = member_of(sealed.sme)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_proposal_answers(sealed, by=member, solution=SECRET + " v2")
        services.withdraw_proposal(sealed, by=member)
    # The member's receipt and withdrawal notice went out: the loop below reads real mail.
    assert {member.email} <= {address for message in mailoutbox for address in message.to}
    for message in mailoutbox:
        assert SECRET not in message.body
        assert official.email not in message.to


def test_audit_trail_does_not_carry_content(sealed):
    from resilience_portal.audit import trail

    entries = list(trail(sealed))
    assert {"proposal.submitted", "proposal.attachment_added"} <= {e.action for e in entries}
    for entry in entries:
        assert SECRET not in str(entry.details) + entry.message


def test_csv_export_defuses_formulas_in_names(client, sealed):
    sealed.sme.legal_name = '=HYPERLINK("http://evil")'
    sealed.sme.save()
    unseal(sealed)
    client.force_login(official_of(sealed.challenge.city))
    body = client.get(reverse("procurement:proposal_table_csv", args=[sealed.challenge.slug]))
    assert "'=HYPERLINK" in body.content.decode()


@pytest.mark.parametrize(
    "lookup",
    [
        {"solution__icontains": "floating"},
        {"price__gte": "1"},
        {"attachments__name__icontains": "design"},
        {"versions__digest__isnull": "False"},
    ],
)
def test_admin_list_filters_cannot_probe_sealed_content(client, sealed, lookup):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:procurement_proposal_changelist"), lookup)
    assert response.status_code in (302, 400)
    assert sealed.sme.legal_name not in response.content.decode()


def test_admin_list_filters_on_metadata_still_work(client, sealed):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:procurement_proposal_changelist"), {"status": "submitted"})
    assert response.status_code == 200
    assert sealed.sme.legal_name in response.content.decode()


def test_admin_cannot_move_a_published_deadline_to_open_the_proposals(client, sealed):
    challenge = sealed.challenge
    deadline = challenge.submissions_close
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:procurement_challenge_change", args=[challenge.pk])
    page = client.get(url).content.decode()
    assert 'name="submissions_close' not in page
    assert 'name="criteria-0-weight"' not in page
    challenge.refresh_from_db()
    assert challenge.submissions_close == deadline


def test_admin_still_edits_a_draft_challenges_timeline(client):
    from tests.factories import ChallengeFactory

    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:procurement_challenge_change", args=[draft.pk]))
    assert 'name="submissions_close' in page.content.decode()


def test_bids_on_a_challenge_cancelled_before_its_deadline_are_never_opened(client, sealed):
    official = official_of(sealed.challenge.city)
    services.cancel_challenge(sealed.challenge, by=official, reason="Budget withdrawn.")
    unseal(sealed)
    sealed.challenge.refresh_from_db()
    assert not sealed.challenge.can_read_proposals(official)
    for who, reader in readers(sealed).items():
        assert not Proposal.objects.visible_to(reader).exists(), who
        client.force_login(reader)
        for url in routes(sealed):
            assert client.get(url).status_code == 404, (who, url)
    sealed.refresh_from_db()
    assert sealed.is_sealed()


def test_bids_stay_open_to_readers_when_a_challenge_is_cancelled_after_its_deadline(client, sealed):
    official = official_of(sealed.challenge.city)
    unseal(sealed)
    sealed.challenge.refresh_from_db()
    services.cancel_challenge(sealed.challenge, by=official, reason="No proposal met the outcomes.")
    assert sealed.challenge.closed_at is not None
    client.force_login(official)
    assert client.get(routes(sealed)[0]).status_code == 200
