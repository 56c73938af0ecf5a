"""Every upload is scanned by a real clamd before anyone but its uploader can open it.

The `clamd` fixture starts the daemon with a one-signature database (EICAR); `clamd_down`
points the portal at a socket nobody listens on.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import CityApplication
from procurement.models import Challenge, ProposalAttachment
from resilience_portal.models import AuditEntry
from resilience_portal.scanning import ScanStatus
from resilience_portal.tasks import rescan_held_uploads
from smes.models import SMEDocument
from tests.conftest import EICAR
from tests.factories import (
    PDF_BYTES,
    ChallengeFactory,
    CityApplicationFactory,
    CityMembershipFactory,
    CompleteSMEFactory,
    ProposalFactory,
    StaffFactory,
    UserFactory,
    member_of,
    official_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

INFECTED_PDF = b"%PDF-1.4\n% " + EICAR + b"\n%%EOF\n"


@pytest.fixture
def sme():
    return CompleteSMEFactory()


def upload_document(client, sme, content, name="annual-report.pdf"):
    return client.post(
        reverse("smes:documents", args=[sme.slug]),
        {"kind": SMEDocument.Kind.OTHER, "file": pdf_upload(name, content)},
        follow=True,
    )


def uploaded(sme):
    return sme.documents.get(kind=SMEDocument.Kind.OTHER)


def scanner_is_back(settings, clamd_socket):
    settings.CLAMD_SOCKET = clamd_socket
    settings.CLAMD_TIMEOUT = 10.0


# --- SME documents ----------------------------------------------------------------------------


def test_a_clean_document_is_accepted_and_staff_can_download_it(client, clamd, sme):
    client.force_login(member_of(sme))
    response = upload_document(client, sme, PDF_BYTES)
    document = uploaded(sme)
    assert document.scan_status == ScanStatus.CLEAN
    assert "The document is uploaded." in response.content.decode()
    assert "awaiting scan" not in response.content.decode()

    client.force_login(StaffFactory())
    assert client.get(document.get_absolute_url()).status_code == 200


def test_an_infected_document_is_refused_with_a_clear_message_and_audited(client, clamd, sme):
    member = member_of(sme)
    client.force_login(member)
    response = upload_document(client, sme, INFECTED_PDF)

    assert "contains a virus or other malware" in response.content.decode()
    assert not sme.documents.filter(kind=SMEDocument.Kind.OTHER).exists()
    entry = AuditEntry.objects.get(action="upload.infected")
    assert entry.target == sme
    assert entry.actor == member
    assert entry.details["signature"].startswith("Eicar-Test-Signature")
    assert entry.details["name"] == "annual-report.pdf"


def test_with_the_scanner_down_a_document_is_held_for_its_uploader_until_the_rescan_releases_it(
    client, settings, clamd_down, clamd_socket, sme
):
    uploader = member_of(sme)
    client.force_login(uploader)
    response = upload_document(client, sme, PDF_BYTES)
    document = uploaded(sme)
    assert document.scan_status == ScanStatus.AWAITING
    assert "awaiting a virus scan" in response.content.decode()
    assert (
        "awaiting scan" in client.get(reverse("smes:documents", args=[sme.slug])).content.decode()
    )
    assert client.get(document.get_absolute_url()).status_code == 200

    client.force_login(StaffFactory())
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(member_of(sme, role="member"))
    assert client.get(document.get_absolute_url()).status_code == 404

    assert rescan_held_uploads.delay().get() == 0  # still down: nothing changes
    scanner_is_back(settings, clamd_socket)
    assert rescan_held_uploads.delay().get() == 1
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.CLEAN
    assert client.get(document.get_absolute_url()).status_code == 200
    assert rescan_held_uploads.delay().get() == 0  # twice is harmless


def test_a_held_file_the_rescan_finds_infected_is_removed_for_everyone_and_audited(
    client, settings, clamd_down, clamd_socket, sme
):
    uploader = member_of(sme)
    client.force_login(uploader)
    upload_document(client, sme, INFECTED_PDF)
    document = uploaded(sme)
    stored = document.file.name

    scanner_is_back(settings, clamd_socket)
    rescan_held_uploads.delay()

    document.refresh_from_db()
    assert document.scan_status == ScanStatus.INFECTED
    assert not document.file.storage.exists(stored)
    assert client.get(document.get_absolute_url()).status_code == 404
    entry = AuditEntry.objects.get(action="upload.infected")
    assert entry.target == document
    assert entry.actor == uploader
    assert entry.details["found_by"] == "rescan"


def test_scanning_switched_off_accepts_files_as_make_run_does(client, settings, sme):
    settings.CLAMD_ENABLED = False
    client.force_login(member_of(sme))
    upload_document(client, sme, INFECTED_PDF)
    assert uploaded(sme).scan_status == ScanStatus.CLEAN


# --- Challenge documents ----------------------------------------------------------------------


def upload_challenge_document(client, challenge, content, name="site-map.pdf"):
    return client.post(
        reverse("procurement:challenge_attachment_upload", args=[challenge.slug]),
        {"file": pdf_upload(name, content)},
        follow=True,
    )


def test_a_clean_challenge_document_is_confirmed_and_public_once_published(client, clamd):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    client.force_login(official_of(draft.city))
    response = upload_challenge_document(client, draft, PDF_BYTES)
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["“site-map.pdf” is added to the challenge's documents."]
    document = draft.attachments.get()
    assert document.scan_status == ScanStatus.CLEAN

    Challenge.objects.filter(pk=draft.pk).update(status=Challenge.Status.PUBLISHED)
    client.logout()
    url = reverse("procurement:challenge_attachment", args=[draft.slug, document.pk])
    assert client.get(url).status_code == 200
    assert "site-map.pdf" in client.get(draft.get_absolute_url()).content.decode()


def test_a_held_challenge_document_is_neither_listed_nor_served_to_the_public(client, clamd_down):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    uploader = official_of(draft.city)
    client.force_login(uploader)
    response = upload_challenge_document(client, draft, PDF_BYTES)
    assert "awaiting a virus scan" in response.content.decode()
    document = draft.attachments.get()
    assert document.uploaded_by == uploader
    url = reverse("procurement:challenge_attachment", args=[draft.slug, document.pk])

    Challenge.objects.filter(pk=draft.pk).update(status=Challenge.Status.PUBLISHED)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert "site-map.pdf" not in client.get(draft.get_absolute_url()).content.decode()


def test_an_infected_challenge_document_is_refused_and_audited(client, clamd):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    client.force_login(official_of(draft.city))
    response = upload_challenge_document(client, draft, INFECTED_PDF)
    assert "contains a virus or other malware" in response.content.decode()
    assert not draft.attachments.exists()
    assert AuditEntry.objects.get(action="upload.infected").target == draft


# --- Proposal attachments ---------------------------------------------------------------------


def attach(client, proposal, content):
    return client.post(
        reverse("procurement:attachment_upload", args=[proposal.pk]),
        {"file": pdf_upload("design.pdf", content)},
        follow=True,
    )


def test_an_infected_proposal_attachment_is_refused_and_audited(client, clamd):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    response = attach(client, proposal, INFECTED_PDF)
    assert "contains a virus or other malware" in response.content.decode()
    assert not proposal.attachments.exists()
    assert AuditEntry.objects.get(action="upload.infected").target == proposal


def test_a_held_proposal_attachment_opens_for_its_uploader_only(client, clamd_down):
    proposal = ProposalFactory()
    uploader = member_of(proposal.sme)
    client.force_login(uploader)
    attach(client, proposal, PDF_BYTES)
    attachment = ProposalAttachment.objects.get(proposal=proposal)
    assert attachment.scan_status == ScanStatus.AWAITING
    url = reverse("procurement:attachment_download", args=[proposal.pk, attachment.pk])
    assert "awaiting scan" in client.get(proposal.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 200

    client.force_login(member_of(proposal.sme))
    assert client.get(url).status_code == 404


# --- Leadership letters -----------------------------------------------------------------------

ANSWERS = {
    "motivation": "Flood-proof markets",
    "resilience_challenges": "Tidal floods",
    "procurement_readiness": "Ready",
    "sme_ecosystem": "Lively",
    "leadership_commitment": "Mayor",
}


def upload_letter(client, application, content):
    letter = SimpleUploadedFile("letter.pdf", content, content_type="application/pdf")
    return client.post(
        reverse("cohorts:application_edit", args=[application.pk]),
        {**ANSWERS, "leadership_letter": letter, "save": ""},
        follow=True,
    )


def test_a_held_letter_opens_for_the_official_who_uploaded_it_only(client, clamd_down):
    application = CityApplicationFactory(leadership_letter=None)
    uploader = CityMembershipFactory(city=application.city).user
    client.force_login(uploader)
    response = upload_letter(client, application, PDF_BYTES)
    assert "The letter is awaiting a virus scan." in response.content.decode()
    application.refresh_from_db()
    assert application.leadership_letter_scan_status == ScanStatus.AWAITING
    assert application.leadership_letter_uploaded_by == uploader
    url = reverse("cohorts:application_letter", args=[application.pk])
    assert client.get(url).status_code == 200

    client.force_login(CityMembershipFactory(city=application.city).user)
    assert client.get(url).status_code == 404


def test_an_infected_letter_is_refused_and_audited(client, clamd):
    application = CityApplicationFactory(leadership_letter=None)
    client.force_login(CityMembershipFactory(city=application.city).user)
    response = upload_letter(client, application, INFECTED_PDF)
    assert "contains a virus or other malware" in response.content.decode()
    assert not CityApplication.objects.get(pk=application.pk).leadership_letter
    assert AuditEntry.objects.get(action="upload.infected").target == application
