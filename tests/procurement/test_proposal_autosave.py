"""A proposal draft saves itself as a member types: never submitted, never after the deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Challenge, Proposal
from tests.factories import ProposalFactory, SubmittedProposalFactory, member_of

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


def autosave_url(proposal):
    return reverse("procurement:proposal_autosave", args=[proposal.pk])


def test_a_member_typing_saves_the_draft_and_is_told_when(client, mailoutbox):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))

    response = client.post(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark})

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert "Saved " in response.content.decode()
    assert proposal.solution == "Floating stalls"
    assert proposal.status == Proposal.Status.DRAFT
    assert not proposal.versions.exists() and not mailoutbox
    # The next autosave starts from this save, not from the page's first load.
    assert f'value="{proposal.edit_mark}"' in response.content.decode()


def test_an_autosave_never_submits_even_when_asked_to(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))

    client.post(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark, "action": "submit"})

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


def test_an_autosave_never_overwrites_a_colleagues_newer_save(client):
    proposal = ProposalFactory()
    stale_mark = proposal.edit_mark
    proposal.solution = "The colleague's newer text"
    proposal.save()
    client.force_login(member_of(proposal.sme))

    response = client.post(autosave_url(proposal), {**ANSWERS, "seen": stale_mark})

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert "A colleague saved this proposal after you opened it" in response.content.decode()
    assert proposal.solution == "The colleague's newer text"


def test_an_autosave_without_the_pages_mark_is_refused(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))

    response = client.post(autosave_url(proposal), ANSWERS)

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert proposal.solution != "Floating stalls"


def test_a_submitted_proposal_is_not_autosaved_and_not_resubmitted(client, mailoutbox):
    proposal = SubmittedProposalFactory()
    versions = proposal.versions.count()
    client.force_login(member_of(proposal.sme))

    response = client.post(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark})

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert proposal.solution != "Floating stalls"
    assert proposal.versions.count() == versions and not mailoutbox


def test_after_the_deadline_an_autosave_is_refused_with_the_saves_message(client):
    proposal = ProposalFactory()
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=deadline - datetime.timedelta(days=1), submissions_close=deadline
    )
    client.force_login(member_of(proposal.sme))

    response = client.post(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark})

    proposal.refresh_from_db()
    assert response.status_code == 409
    assert "The deadline passed at" in response.content.decode()
    assert proposal.solution != "Floating stalls"


def test_someone_outside_the_sme_cannot_autosave(client):
    proposal = ProposalFactory()
    client.force_login(member_of(ProposalFactory().sme))

    response = client.post(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark})

    proposal.refresh_from_db()
    assert response.status_code == 404
    assert proposal.solution != "Floating stalls"


def test_a_price_that_is_not_a_number_is_said_and_nothing_saved(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))

    response = client.post(
        autosave_url(proposal), {**ANSWERS, "price": "lots", "seen": proposal.edit_mark}
    )

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert "Not saved yet: check Price" in response.content.decode()
    assert proposal.solution != "Floating stalls"


def test_autosave_answers_a_get_without_writing(client):
    proposal = ProposalFactory()
    client.force_login(member_of(proposal.sme))

    response = client.get(autosave_url(proposal), {**ANSWERS, "seen": proposal.edit_mark})

    assert response.status_code == 405
    assert Proposal.objects.get(pk=proposal.pk).edit_mark == proposal.edit_mark


def test_only_a_drafts_edit_page_autosaves(client):
    draft, submitted = ProposalFactory(), SubmittedProposalFactory()
    client.force_login(member_of(draft.sme))
    member_of(submitted.sme, user=draft.sme.memberships.get().user)

    draft_page = client.get(reverse("procurement:proposal_edit", args=[draft.pk]))
    submitted_page = client.get(reverse("procurement:proposal_edit", args=[submitted.pk]))

    assert f'data-hx-post="{autosave_url(draft)}"' in draft_page.content.decode()
    assert "data-hx-post" not in submitted_page.content.decode()
    # Without an autosave the typed text is still kept in the browser and offered back.
    assert 'id="autosave-status"' in submitted_page.content.decode()
