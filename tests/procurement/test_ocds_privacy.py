"""OCDS output never holds a proposal's content, a member's name, e-mail or phone, or an
unpublished challenge: markers planted in each are searched for in the JSON text."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from tests.factories import (
    ChallengeFactory,
    ClosedChallengeFactory,
    MilestoneFactory,
    PilotFactory,
    SubmittedProposalFactory,
    UserFactory,
    award_for,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db

MARKERS = {
    "solution": "PLANTED-SOLUTION-7f3a",
    "approach": "PLANTED-APPROACH-7f3a",
    "team": "PLANTED-TEAM-7f3a",
    "timeline": "PLANTED-TIMELINE-7f3a",
    "co_benefits_delivered": "PLANTED-COBENEFITS-7f3a",
}


@pytest.fixture
def planted(client):
    challenge = ClosedChallengeFactory()
    winner = SubmittedProposalFactory(challenge=challenge, price=987654.32, **MARKERS)
    loser = SubmittedProposalFactory(challenge=challenge, **MARKERS)
    for number, proposal in enumerate((winner, loser)):
        sme = proposal.sme
        sme.contact_email = "planted-contact@sme.example"
        sme.phone = "+66 PLANTED 0000"
        sme.save()
        member_of(
            sme,
            user=UserFactory(
                full_name="Planted Member Name", email=f"planted.member{number}@example.org"
            ),
        )
    official_of(
        challenge.city,
        user=UserFactory(full_name="Planted Official Name", email="planted.official@example.org"),
    )
    award = award_for(challenge, proposal=winner)
    pilot = PilotFactory(award=award)
    MilestoneFactory(pilot=pilot)
    ChallengeFactory(title="PLANTED-DRAFT-TITLE", status=Challenge.Status.DRAFT, published_at=None)
    ChallengeFactory(
        title="PLANTED-PENDING-TITLE", status=Challenge.Status.PENDING_APPROVAL, published_at=None
    )
    return challenge


def _texts(client, challenge):
    return [
        client.get(reverse("procurement:challenge_ocds", args=[challenge.slug])).content.decode(),
        client.get(reverse("procurement:ocds_releases")).content.decode(),
    ]


def test_no_proposal_content_or_personal_data_in_either_export(client, planted):
    for text in _texts(client, planted):
        assert planted.title in text  # the export is about this challenge
        for marker in MARKERS.values():
            assert marker not in text
        for personal in ("Planted Member Name", "planted.member@", "Planted Official Name",
                         "planted.official@", "planted-contact@", "PLANTED 0000"):  # fmt: skip
            assert personal not in text
        assert "987654" not in text  # a bid's price is proposal content too


def test_unpublished_challenges_are_not_in_the_bulk_export(client, planted):
    bulk = _texts(client, planted)[1]
    assert "PLANTED-DRAFT-TITLE" not in bulk
    assert "PLANTED-PENDING-TITLE" not in bulk


def test_the_smes_are_named_as_organisations_with_their_registration(client, planted):
    text = _texts(client, planted)[0]
    winner = planted.award.sme
    assert winner.legal_name in text
    assert winner.registration_number in text
