"""One proposal per SME per challenge, even when two members submit at the same moment."""

import contextlib

import pytest

from procurement import services
from procurement.models import Proposal
from resilience_portal.refusals import Refused
from tests.factories import ChallengeFactory, VerifiedSMEFactory, member_of
from tests.helpers import needs_row_locks, race

pytestmark = pytest.mark.django_db(transaction=True)


@needs_row_locks
def test_two_concurrent_submissions_make_one_proposal():
    challenge = ChallengeFactory()
    sme = VerifiedSMEFactory(city=challenge.city)

    def submit(member):
        def act():
            proposal = services.start_proposal(challenge, sme=sme, by=member)
            services.save_proposal_answers(
                proposal, by=member, solution="s", approach="a", price=1000, currency="THB"
            )
            # The colleague may have submitted first: then it is already submitted.
            with contextlib.suppress(Refused):
                services.submit_proposal(proposal, by=member)

        return act

    # Any error other than that fails the race.
    assert race(submit(member_of(sme)), submit(member_of(sme))) == ["done", "done"]
    assert Proposal.objects.filter(challenge=challenge, sme=sme).count() == 1
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.versions.count() >= 1


def test_database_refuses_a_second_proposal_row():
    from django.db import IntegrityError

    challenge = ChallengeFactory()
    sme = VerifiedSMEFactory(city=challenge.city)
    Proposal.objects.create(challenge=challenge, sme=sme)
    with pytest.raises(IntegrityError):
        Proposal.objects.create(challenge=challenge, sme=sme)
