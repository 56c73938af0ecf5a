"""Nothing is submitted, edited or withdrawn after the deadline, by the server clock."""

import datetime

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import Challenge, Proposal
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import ChallengeFactory, ProposalFactory, member_of

pytestmark = pytest.mark.django_db


def move_deadline(challenge, *, seconds_from_now):
    deadline = timezone.now() + datetime.timedelta(seconds=seconds_from_now)
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=deadline - datetime.timedelta(days=1), submissions_close=deadline
    )
    challenge.refresh_from_db()


@pytest.fixture
def proposal():
    return ProposalFactory()


def test_member_submits_before_deadline_and_gets_a_version(proposal):
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.version == 1
    assert len(proposal.receipt_digest) == 64
    assert "proposal.submitted" in [e.action for e in trail(proposal)]


def test_non_member_cannot_submit(proposal):
    with pytest.raises(Refused):
        services.submit_proposal(proposal, by=member_of(ProposalFactory().sme))


def test_submission_one_second_after_deadline_is_refused_and_draft_kept(proposal):
    member = member_of(proposal.sme)
    move_deadline(proposal.challenge, seconds_from_now=-1)
    with pytest.raises(Refused, match="deadline"):
        services.submit_proposal(proposal, by=member)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.solution


def test_submission_one_second_before_deadline_is_accepted(proposal):
    member = member_of(proposal.sme)
    move_deadline(proposal.challenge, seconds_from_now=2)
    services.submit_proposal(proposal, by=member)
    assert proposal.status == Proposal.Status.SUBMITTED


def test_deadline_exactly_now_is_closed(proposal, monkeypatch):
    member = member_of(proposal.sme)
    frozen = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=30)
    Challenge.objects.filter(pk=proposal.challenge_id).update(
        questions_close=frozen - datetime.timedelta(days=1), submissions_close=frozen
    )
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    with pytest.raises(Refused):
        services.submit_proposal(proposal, by=member)
    monkeypatch.setattr(timezone, "now", lambda: frozen - datetime.timedelta(seconds=1))
    services.submit_proposal(proposal, by=member)
    assert proposal.status == Proposal.Status.SUBMITTED


def test_deadline_is_the_same_instant_in_every_time_zone(proposal):
    # A Jakarta deadline of 17:00 is 10:00 UTC and 17:00 in Bangkok: one instant, not three.
    jakarta = datetime.datetime(2030, 3, 1, 17, 0, tzinfo=datetime.UTC).replace(
        tzinfo=timezone.get_fixed_timezone(7 * 60)
    )
    challenge = proposal.challenge
    challenge.submissions_close = jakarta
    assert challenge.submissions_open(datetime.datetime(2030, 3, 1, 9, 59, 59, tzinfo=datetime.UTC))
    assert not challenge.submissions_open(
        datetime.datetime(2030, 3, 1, 10, 0, 0, tzinfo=datetime.UTC)
    )


def test_edit_after_deadline_is_refused_and_content_unchanged(proposal):
    member = member_of(proposal.sme)
    stale = Proposal.objects.get(pk=proposal.pk)  # a form opened before the deadline
    move_deadline(proposal.challenge, seconds_from_now=-1)
    with pytest.raises(Refused):
        services.save_proposal_answers(stale, by=member, solution="Changed too late")
    proposal.refresh_from_db()
    assert proposal.solution == "Raised modular stalls with drainage channels."


def test_edit_of_submitted_proposal_resubmits_with_new_receipt(proposal):
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    first = proposal.receipt_digest
    services.save_proposal_answers(proposal, by=member, solution="A better idea")
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.version == 2
    assert proposal.receipt_digest != first
    assert proposal.versions.count() == 2


def test_withdraw_before_deadline_then_submit_again(proposal):
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    services.withdraw_proposal(proposal, by=member)
    assert proposal.status == Proposal.Status.WITHDRAWN
    services.submit_proposal(proposal, by=member)
    assert proposal.status == Proposal.Status.SUBMITTED


def test_withdraw_after_deadline_is_refused(proposal):
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    move_deadline(proposal.challenge, seconds_from_now=-1)
    with pytest.raises(Refused):
        services.withdraw_proposal(proposal, by=member)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_incomplete_draft_cannot_be_submitted():
    proposal = ProposalFactory(solution="", price=None)
    with pytest.raises(Refused, match="Complete"):
        services.submit_proposal(proposal, by=member_of(proposal.sme))


def test_ineligible_sme_cannot_start_a_proposal():
    challenge = ChallengeFactory()
    unverified = ProposalFactory.build(challenge=challenge).sme
    unverified.verification = "unverified"
    unverified.city.save()
    unverified.save()
    with pytest.raises(Refused, match="eligible"):
        services.start_proposal(challenge, sme=unverified, by=member_of(unverified))


def test_sme_of_another_country_is_not_eligible():
    challenge = ChallengeFactory()
    foreign = ProposalFactory().sme
    foreign.country = "VN"
    foreign.save()
    assert not challenge.is_eligible(foreign)


def test_start_returns_the_existing_proposal():
    proposal = ProposalFactory()
    again = services.start_proposal(
        proposal.challenge, sme=proposal.sme, by=member_of(proposal.sme)
    )
    assert again.pk == proposal.pk


def test_sme_no_longer_verified_cannot_submit(proposal):
    member = member_of(proposal.sme)
    proposal.sme.verification = "rejected"
    proposal.sme.save()
    with pytest.raises(Refused, match="eligible"):
        services.submit_proposal(proposal, by=member)
