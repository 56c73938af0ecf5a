"""SME members draft together, submit, edit and withdraw through the pages; late posts are refused."""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Challenge, Proposal
from tests.factories import (
    ChallengeFactory,
    ProposalFactory,
    UserFactory,
    VerifiedSMEFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

ANSWERS = {
    "solution": "Floating stalls",
    "approach": "One market first",
    "team": "Three people",
    "timeline": "Six months",
    "co_benefits_delivered": "Jobs",
    "price": "120000",
    "currency": "THB",
}


def edit_url(proposal):
    return reverse("procurement:proposal_edit", args=[proposal.pk])


def test_member_starts_drafts_and_submits(client, mailoutbox, django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    sme = VerifiedSMEFactory(city=challenge.city)
    member = member_of(sme)
    client.force_login(member)
    response = client.post(
        reverse("procurement:proposal_start", args=[challenge.slug]), {"sme": sme.pk}
    )
    proposal = Proposal.objects.get()
    assert response.url == edit_url(proposal)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(proposal), {**ANSWERS, "action": "submit"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert proposal.receipt_digest in page
    assert any(proposal.receipt_digest in m.body for m in mailoutbox)


def test_two_members_co_edit_the_same_draft(client):
    proposal = ProposalFactory()
    first, second = member_of(proposal.sme), member_of(proposal.sme)
    client.force_login(first)
    client.post(edit_url(proposal), {**ANSWERS, "solution": "First idea", "action": "save"})
    client.force_login(second)
    assert "First idea" in client.get(edit_url(proposal)).content.decode()
    proposal.refresh_from_db()
    seen = proposal.edit_mark
    changes = {**ANSWERS, "solution": "First idea", "team": "Second's team", "action": "save"}
    client.post(edit_url(proposal), {**changes, "seen": seen})
    proposal.refresh_from_db()
    assert (proposal.solution, proposal.team) == ("First idea", "Second's team")
    assert proposal.updated_by == second


def test_a_colleagues_newer_save_is_not_overwritten_blind(client):
    proposal = ProposalFactory()
    first, second = member_of(proposal.sme), member_of(proposal.sme)
    stale_mark = proposal.edit_mark
    services.save_proposal_answers(proposal, by=first, solution="First's newer text")
    client.force_login(second)
    response = client.post(
        edit_url(proposal), {**ANSWERS, "solution": "Older copy", "seen": stale_mark}
    )
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.solution == "First's newer text"


def test_after_a_refused_save_both_versions_are_on_the_page_and_a_second_save_goes_through(
    client,
):
    proposal = ProposalFactory()
    first, second = member_of(proposal.sme), member_of(proposal.sme)
    stale_mark = proposal.edit_mark
    services.save_proposal_answers(proposal, by=first, solution="First's newer text")
    client.force_login(second)
    response = client.post(
        edit_url(proposal), {**ANSWERS, "solution": "Second's text", "seen": stale_mark}
    )
    page = response.content.decode()
    colleague_box = page.split("Your colleague's saved version")[1].split("</section>")[0]
    assert "First&#x27;s newer text" in colleague_box
    assert "Second&#x27;s text" in page.split("</section>", 1)[1]
    proposal.refresh_from_db()
    response = client.post(
        edit_url(proposal), {**ANSWERS, "solution": "Merged text", "seen": proposal.edit_mark}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.solution == "Merged text"


def test_form_opened_before_deadline_and_posted_after_is_refused_and_draft_kept(client):
    proposal = ProposalFactory(solution="Original")
    client.force_login(member_of(proposal.sme))
    assert client.get(edit_url(proposal)).status_code == 200
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = client.post(edit_url(proposal), {**ANSWERS, "solution": "Late", "action": "submit"})
    assert response.status_code == 409
    assert "deadline passed" in response.content.decode()
    assert "Late" in response.content.decode()  # what was typed is shown back, not lost
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.solution == "Original"
    challenge = Challenge.objects.get(pk=proposal.challenge_id)
    # Closed by the clock as every page reads it; the beat records it, no request does.
    assert challenge.status_now() == Challenge.Status.CLOSED


def test_a_negative_price_is_refused_in_plain_words_and_the_text_kept(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    response = client.post(
        edit_url(proposal), {**ANSWERS, "price": "-5", "seen": proposal.edit_mark}
    )
    page = response.content.decode()
    assert "greater than or equal to 0" in page
    assert "proposal_price_not_negative" not in page
    assert "Floating stalls" in page
    proposal.refresh_from_db()
    assert proposal.solution != "Floating stalls"


def test_save_and_submit_with_a_missing_answer_says_the_draft_is_saved(client):
    proposal = ProposalFactory(solution="", approach="")
    client.force_login(member_of(proposal.sme))
    response = client.post(
        edit_url(proposal),
        {**ANSWERS, "approach": "", "action": "submit", "seen": proposal.edit_mark},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Your draft is saved, but it is not submitted yet." in page
    assert "Complete these before submitting: approach." in page
    proposal.refresh_from_db()
    assert proposal.solution == "Floating stalls"
    assert proposal.status == Proposal.Status.DRAFT


def test_withdraw_after_deadline_through_the_page_is_refused(client):
    proposal = ProposalFactory()
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(member)
    client.post(reverse("procurement:proposal_withdraw", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_non_member_gets_404_on_every_proposal_page(client):
    proposal = ProposalFactory()
    client.force_login(UserFactory())
    for name in ("proposal_detail", "proposal_edit"):
        assert client.get(reverse(f"procurement:{name}", args=[proposal.pk])).status_code == 404
    for name in ("proposal_submit", "proposal_withdraw", "attachment_upload"):
        assert client.post(reverse(f"procurement:{name}", args=[proposal.pk])).status_code == 404


@pytest.mark.parametrize("sme", ["abc", "", "1.5"])
def test_starting_a_proposal_for_a_malformed_sme_is_a_404(client, sme):
    challenge = ChallengeFactory()
    client.force_login(member_of(VerifiedSMEFactory(city=challenge.city)))
    url = reverse("procurement:proposal_start", args=[challenge.slug])
    assert client.post(url, {"sme": sme}).status_code == 404


def test_ineligible_sme_cannot_start(client):
    challenge = ChallengeFactory()
    sme = VerifiedSMEFactory(city=challenge.city, verification="pending")
    client.force_login(member_of(sme))
    client.post(reverse("procurement:proposal_start", args=[challenge.slug]), {"sme": sme.pk})
    assert not Proposal.objects.exists()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml" PartName="/word/document.xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (b"%PDF-1.7\n...", True),
        (b"\x89PNG\r\n\x1a\n....", True),
        (b"\xff\xd8\xff\xe0....", True),
        (docx_bytes(), True),
        (b"MZ\x90\x00 an executable", False),
        (b"PK\x03\x04 not really a zip", False),
        (b"<html><script>", False),
    ],
)
def test_attachments_are_checked_by_content(client, settings, tmp_path, content, accepted):
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    upload = SimpleUploadedFile("../../etc/passwd.pdf", content, content_type="application/pdf")
    client.post(reverse("procurement:attachment_upload", args=[proposal.pk]), {"file": upload})
    assert proposal.attachments.exists() is accepted
    if accepted:
        attachment = proposal.attachments.get()
        assert attachment.sha256 == hashlib.sha256(content).hexdigest()
        assert "passwd" not in attachment.file.name and ".." not in attachment.file.name


def test_attachments_over_the_size_limit_are_refused(client, settings, tmp_path, monkeypatch):
    from procurement.forms.proposal import UploadForm

    monkeypatch.setattr(UploadForm.base_fields["file"], "max_bytes", 10)
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20)
    response = client.post(
        reverse("procurement:attachment_upload", args=[proposal.pk]), {"file": upload}, follow=True
    )
    assert not proposal.attachments.exists()
    assert "at most 10" in response.content.decode()


def test_proposal_attachments_may_be_up_to_ten_megabytes():
    from procurement.forms.proposal import UploadForm

    assert UploadForm.base_fields["file"].max_bytes == 10 * 1024 * 1024


def test_an_attachment_is_listed_under_a_safe_name_with_the_extension_of_its_content(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    upload = SimpleUploadedFile("Site plan <v2>.exe", b"%PDF-1.7\n...")
    client.post(reverse("procurement:attachment_upload", args=[proposal.pk]), {"file": upload})
    assert proposal.attachments.get().name == "Site-plan-v2.pdf"
    assert proposal.attachments.get().content_type == "application/pdf"


def test_an_empty_attachment_is_refused_with_a_reason(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    response = client.post(
        reverse("procurement:attachment_upload", args=[proposal.pk]),
        {"file": SimpleUploadedFile("empty.pdf", b"")},
        follow=True,
    )
    assert not proposal.attachments.exists()
    assert "empty" in response.content.decode()


def test_there_is_one_upload_check_in_the_portal():
    from procurement.forms import proposal as proposal_forms

    assert not hasattr(proposal_forms, "check_upload")
    assert not hasattr(proposal_forms, "sniff_content_type")


@pytest.mark.parametrize("size", [2, 20])
def test_proposal_table_runs_constant_queries(client, django_assert_max_num_queries, size):
    from tests.factories import official_of

    challenge = ChallengeFactory()
    for proposal in ProposalFactory.create_batch(size, challenge=challenge):
        services.submit_proposal(proposal, by=member_of(proposal.sme))
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(official_of(challenge.city))
    client.get(challenge.get_absolute_url())  # records the close
    with django_assert_max_num_queries(8):
        response = client.get(reverse("procurement:proposal_table", args=[challenge.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("THB") == size


@pytest.mark.parametrize("size", [2, 20])
def test_sme_dashboard_runs_constant_queries(client, django_assert_max_num_queries, size):
    sme = VerifiedSMEFactory()
    member = member_of(sme)
    for _ in range(size):
        ProposalFactory(sme=sme, challenge=ChallengeFactory(city=sme.city))
    client.force_login(member)
    # Every role is asked in one query per signed-in request.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboard")).status_code == 200


def test_a_reader_after_the_deadline_sees_solution_not_your_solution(client):
    from tests.factories import official_of

    proposal = ProposalFactory()
    services.submit_proposal(proposal, by=member_of(proposal.sme))
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(official_of(proposal.challenge.city))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Your solution" not in page
    assert "<dt>Solution</dt>" in page


def test_members_are_told_a_file_change_resubmits_a_submitted_proposal(client):
    proposal = ProposalFactory()
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "resubmits the proposal at once" in page


def test_sme_dashboard_says_when_a_challenge_is_cancelled_or_closed(client):
    sme = VerifiedSMEFactory()
    cancelled = ProposalFactory(sme=sme, challenge=ChallengeFactory(city=sme.city, title="Gone"))
    closed = ProposalFactory(sme=sme, challenge=ChallengeFactory(city=sme.city, title="Past"))
    ProposalFactory(sme=sme, challenge=ChallengeFactory(city=sme.city, title="Running"))
    Challenge.objects.filter(pk=cancelled.challenge_id).update(status=Challenge.Status.CANCELLED)
    Challenge.objects.filter(pk=closed.challenge_id).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(member_of(sme))
    page = " ".join(client.get(reverse("dashboard")).content.decode().split())
    assert "Gone</a> · " in page and "challenge cancelled" in page
    assert page.count("· closed ") == 1
    assert page.count("· closes ") == 1


def test_a_draft_on_a_cancelled_challenge_says_cancelled_not_deadline_passed(client):
    proposal = ProposalFactory()
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        status=Challenge.Status.CANCELLED, cancellation_reason="Budget withdrawn."
    )
    client.force_login(member_of(proposal.sme))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "The city cancelled this challenge" in page
    assert "Budget withdrawn." in page
    assert "The deadline has passed" not in page


def test_withdrawing_asks_for_a_second_click_that_explains_what_it_means(client):
    proposal = ProposalFactory()
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "<summary" in page.split("Withdraw the proposal")[0].rsplit("<details", 1)[1]
    assert "only before the deadline" in page


def test_the_proposal_form_says_what_is_needed_to_submit_and_where_files_go(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))
    page = client.get(edit_url(proposal)).content.decode()
    assert "the solution, the approach and the price are needed" in page
    assert "files are added on the proposal" in page
