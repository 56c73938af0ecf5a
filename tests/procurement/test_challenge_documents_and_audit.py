"""Challenge documents, receipt recomputation by a reader, dashboards, and the audit trail of every act."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Challenge
from procurement.services import amend_challenge
from resilience_portal.audit import trail
from tests.factories import (
    ChallengeFactory,
    ProposalFactory,
    StaffFactory,
    VerifiedSMEFactory,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_official_adds_a_document_to_the_draft_which_the_public_reads_once_published(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    client.force_login(official_of(draft.city))
    client.post(
        reverse("procurement:challenge_attachment_upload", args=[draft.slug]),
        {"file": SimpleUploadedFile("site map.png", PNG)},
    )
    document = draft.attachments.get()
    url = reverse("procurement:challenge_attachment", args=[draft.slug, document.pk])
    client.logout()
    assert client.get(url).status_code == 404
    Challenge.objects.filter(pk=draft.pk).update(status=Challenge.Status.PUBLISHED)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]


def test_documents_are_refused_once_published(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    challenge = ChallengeFactory()
    client.force_login(official_of(challenge.city))
    client.post(
        reverse("procurement:challenge_attachment_upload", args=[challenge.slug]),
        {"file": SimpleUploadedFile("late.png", PNG)},
    )
    assert not challenge.attachments.exists()


def test_a_reader_recomputes_the_receipt_digest_after_the_deadline(client):
    proposal = ProposalFactory()
    services.submit_proposal(proposal, by=member_of(proposal.sme))
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(official_of(proposal.challenge.city))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.receipt_digest in page
    content = client.get(
        reverse("procurement:receipt_content", args=[proposal.pk, proposal.version])
    ).content
    assert hashlib.sha256(content).hexdigest() == proposal.receipt_digest


@pytest.mark.parametrize("size", [2, 12])
def test_official_and_staff_dashboards_run_constant_queries(
    client, django_assert_max_num_queries, size
):
    city_challenges = ChallengeFactory.create_batch(size, status=Challenge.Status.PENDING_APPROVAL)
    official = official_of(city_challenges[0].city)
    for challenge in city_challenges[1:]:
        Challenge.objects.filter(pk=challenge.pk).update(city=city_challenges[0].city)
    # The bound grows with the panels on the dashboard (sessions, case studies, newsletter;
    # the roles are one query): what matters is that it holds at both sizes.
    for who in (official, StaffFactory()):
        client.force_login(who)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("dashboard")).status_code == 200


def test_every_act_leaves_an_audit_entry(client):
    challenge = ChallengeFactory(status=Challenge.Status.DRAFT)
    official, staff = official_of(challenge.city), StaffFactory()
    services.submit_for_approval(challenge, by=official)
    services.send_back_challenge(challenge, by=staff, comments="More detail")
    services.submit_for_approval(challenge, by=official)
    services.approve_challenge(challenge, by=staff)
    sme = VerifiedSMEFactory(city=challenge.city)
    member = member_of(sme)
    question = services.ask_question(challenge, sme=sme, by=member, question="Q?")
    services.publish_answer(question, by=official, answer="A.")
    proposal = ProposalFactory(challenge=challenge, sme=sme)
    services.submit_proposal(proposal, by=member)
    services.save_proposal_answers(proposal, by=member, solution="Revised")
    services.withdraw_proposal(proposal, by=member)
    amend_challenge(
        challenge,
        by=official,
        summary="More time",
        submissions_close=challenge.submissions_close + datetime.timedelta(days=1),
    )
    services.cancel_challenge(challenge, by=official, reason="Budget withdrawn")
    assert [entry.action for entry in reversed(trail(challenge))] == [
        "challenge.submitted",
        "challenge.sent_back",
        "challenge.submitted",
        "challenge.published",
        "challenge.amended",
        "challenge.cancelled",
    ]
    assert [entry.action for entry in reversed(trail(proposal))] == [
        "proposal.submitted",
        "proposal.resubmitted",
        "proposal.withdrawn",
    ]
    assert [entry.action for entry in reversed(trail(question))] == [
        "clarification.asked",
        "clarification.answered",
    ]
    assert all(entry.actor for entry in trail(challenge))
