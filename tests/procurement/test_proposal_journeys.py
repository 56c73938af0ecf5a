"""An SME that cannot propose is told why and what next; a late submission is told what happened."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Challenge
from resilience_portal.refusals import Refused
from tests.factories import (
    ChallengeFactory,
    CityFactory,
    ProposalFactory,
    SMEFactory,
    VerifiedSMEFactory,
    member_of,
)
from tests.helpers import close_submissions

pytestmark = pytest.mark.django_db


def proposal_section(page):
    return page.split('id="proposal-title"')[1].split("</section>")[0]


def test_an_sme_waiting_for_verification_is_told_why_and_where_to_look(client):
    challenge = ChallengeFactory()
    sme = SMEFactory(legal_name="Kota Hijau", city=challenge.city, verification="pending")
    client.force_login(member_of(sme))
    section = proposal_section(client.get(challenge.get_absolute_url()).content.decode())
    assert "Kota Hijau is waiting for verification by programme staff." in section
    assert f'href="{sme.get_absolute_url()}"' in section
    assert "Start a proposal" not in section


def test_an_sme_of_another_city_is_pointed_at_its_own_citys_challenges(client):
    challenge = ChallengeFactory(eligibility=Challenge.Eligibility.VERIFIED_IN_CITY)
    elsewhere = CityFactory(name="Surabaya", slug="surabaya", country=challenge.city.country)
    sme = VerifiedSMEFactory(city=elsewhere)
    client.force_login(member_of(sme))
    section = proposal_section(client.get(challenge.get_absolute_url()).content.decode())
    assert f"Only SMEs based in {challenge.city.name} may propose" in section
    assert "is based in Surabaya" in section
    assert "?city=surabaya" in section


def test_an_ineligible_sme_outside_the_sectors_is_told_to_add_the_sector(client):
    challenge = ChallengeFactory(sectors=["water"])
    sme = SMEFactory(city=challenge.city)
    client.force_login(member_of(sme))
    section = proposal_section(client.get(challenge.get_absolute_url()).content.decode())
    assert "not registered in this challenge&#x27;s sectors (Water" in section
    assert reverse("smes:edit", kwargs={"slug": sme.slug}) in section


def test_an_eligible_sme_is_offered_to_start(client):
    challenge = ChallengeFactory()
    client.force_login(member_of(VerifiedSMEFactory(city=challenge.city)))
    section = proposal_section(client.get(challenge.get_absolute_url()).content.decode())
    assert "Start a proposal" in section
    assert "data-ineligibility" not in section


def test_the_refusal_to_start_says_why(client):
    challenge = ChallengeFactory()
    sme = SMEFactory(legal_name="Kota Hijau", city=challenge.city, verification="pending")
    with pytest.raises(Refused, match="waiting for verification"):
        services.start_proposal(challenge, sme=sme, by=member_of(sme))


@pytest.fixture
def late():
    challenge = ChallengeFactory(city__time_zone="Asia/Jakarta")
    proposal = ProposalFactory(challenge=challenge)
    member = member_of(proposal.sme)
    services.submit_proposal(proposal, by=member)
    deadline = timezone.now().replace(microsecond=0) - datetime.timedelta(seconds=5)
    close_submissions(challenge, at=deadline)
    return proposal, member, deadline


def test_a_late_resubmission_says_when_the_deadline_passed_and_offers_no_save(client, late):
    proposal, member, deadline = late
    client.force_login(member)
    url = reverse("procurement:proposal_edit", args=[proposal.pk])
    response = client.post(
        url,
        {
            "seen": proposal.edit_mark,
            "solution": "Typed after the deadline",
            "approach": "x",
            "team": "x",
            "timeline": "x",
            "co_benefits_delivered": "x",
            "price": "1",
            "currency": "THB",
            "action": "save",
        },
    )
    page = response.content.decode()
    city_time = timezone.localtime(deadline, challenge_zone(proposal)).strftime("%H:%M")
    assert "The deadline passed at" in page and city_time in page and "WIB" in page
    assert "Typed after the deadline" in page  # kept to copy
    assert "Save and resubmit" not in page
    assert "No one at the city can read it before the deadline" not in page
    assert "evaluates the version you last submitted" in page


def test_a_draft_opened_after_the_deadline_says_it_is_not_evaluated(client, late):
    proposal, _member, _deadline = late
    draft = ProposalFactory(challenge=proposal.challenge)
    client.force_login(member_of(draft.sme))
    page = client.get(reverse("procurement:proposal_edit", args=[draft.pk]))
    page = page.content.decode()
    assert "never submitted, so it is not evaluated" in page
    assert "Save and submit" not in page


def challenge_zone(proposal):
    return proposal.challenge.city.zone
