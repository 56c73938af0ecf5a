"""A submission's receipt: time and SHA-256 of answers + attachment digests, recomputable."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement import services
from tests.factories import ProposalFactory, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_receipt_is_mailed_to_members_with_digest(mailoutbox, django_capture_on_commit_callbacks):
    proposal = ProposalFactory()
    member = member_of(proposal.sme)
    colleague = member_of(proposal.sme)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_proposal(proposal, by=member)
    receipt = mailoutbox[-1]
    assert set(receipt.to) == {member.email, colleague.email}
    assert proposal.receipt_digest in receipt.body
    assert "UTC" in receipt.body
    assert proposal.solution not in receipt.body


def test_digest_can_be_recomputed_from_the_frozen_content():
    proposal = ProposalFactory()
    services.submit_proposal(proposal, by=member_of(proposal.sme))
    version = proposal.versions.get()
    assert hashlib.sha256(version.canonical_bytes()).hexdigest() == proposal.receipt_digest


def test_digest_covers_attachment_digests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory()
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    before = proposal.receipt_digest
    services.add_proposal_attachment(
        proposal,
        by=member,
        upload=SimpleUploadedFile("plan.pdf", PDF),
        name="plan.pdf",
        content_type="application/pdf",
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    assert proposal.version == 2
    assert proposal.receipt_digest != before
    content = proposal.versions.first().content
    assert content["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
