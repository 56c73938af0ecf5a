"""Journey 3: after the deadline evaluators score each proposal per criterion (0-10, with a
comment), save drafts and submit; others' scores stay hidden until one's own are in."""

import pytest
from django.urls import reverse

from procurement import evaluation_services as services
from procurement.models import Score
from resilience_portal.refusals import Refused
from tests.factories import (
    ChallengeFactory,
    ClosedChallengeFactory,
    PanelSeatFactory,
    SubmittedProposalFactory,
    declare,
    score_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return ClosedChallengeFactory()


@pytest.fixture
def proposal(challenge):
    return SubmittedProposalFactory(challenge=challenge)


@pytest.fixture
def seat(challenge, proposal):
    return declare(PanelSeatFactory(challenge=challenge))


def sheet(challenge, value=6, comment="Solid evidence."):
    data = {}
    for criterion in challenge.criteria.all():
        data[f"score_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = comment
    return data


def test_evaluator_saves_a_draft_then_submits(client, seat, proposal):
    client.force_login(seat.user)
    url = reverse("procurement:evaluation_score", args=[seat.challenge.slug, proposal.pk])
    page = client.get(url)
    assert proposal.solution in page.content.decode()
    assert client.post(url, sheet(seat.challenge)).status_code == 302
    assert Score.objects.filter(seat=seat, score=6).count() == 3
    seat.refresh_from_db()
    assert not seat.has_submitted
    client.post(reverse("procurement:evaluation_submit", args=[seat.challenge.slug]))
    seat.refresh_from_db()
    assert seat.has_submitted


def test_a_draft_may_be_incomplete_but_submitting_needs_every_score_and_comment(seat, proposal):
    criteria = list(seat.challenge.criteria.all())
    services.save_scores(seat, proposal, {criteria[0].pk: (7, "")}, by=seat.user)
    with pytest.raises(Refused):
        services.submit_scores(seat, by=seat.user)
    services.save_scores(seat, proposal, {c.pk: (7, "Clear plan.") for c in criteria}, by=seat.user)
    services.submit_scores(seat, by=seat.user)


def test_scores_run_from_0_to_10(client, seat, proposal):
    client.force_login(seat.user)
    url = reverse("procurement:evaluation_score", args=[seat.challenge.slug, proposal.pk])
    response = client.post(url, sheet(seat.challenge, value=11))
    assert response.status_code == 200
    assert not Score.objects.exists()
    with pytest.raises(Refused):
        criterion = seat.challenge.criteria.first()
        services.save_scores(seat, proposal, {criterion.pk: (11, "x")}, by=seat.user)


def test_nobody_scores_before_the_deadline():
    open_challenge = ChallengeFactory()
    proposal = SubmittedProposalFactory(challenge=open_challenge)
    seat = PanelSeatFactory(challenge=open_challenge)
    criterion = open_challenge.criteria.first()
    with pytest.raises(Refused):
        services.save_scores(seat, proposal, {criterion.pk: (5, "early")}, by=seat.user)


def test_submitted_scores_cannot_change(seat, proposal):
    score_all(seat)
    criterion = seat.challenge.criteria.first()
    with pytest.raises(Refused):
        services.save_scores(seat, proposal, {criterion.pk: (1, "changed")}, by=seat.user)


def test_only_the_seat_holder_scores_for_the_seat(seat, proposal, challenge):
    other = declare(PanelSeatFactory(challenge=challenge))
    criterion = challenge.criteria.first()
    with pytest.raises(Refused):
        services.save_scores(seat, proposal, {criterion.pk: (5, "x")}, by=other.user)


def test_others_scores_stay_hidden_until_ones_own_are_in(client, seat, challenge):
    colleague = score_all(declare(PanelSeatFactory(challenge=challenge)), value=9)
    client.force_login(seat.user)
    url = reverse("procurement:evaluation_matrix", args=[challenge.slug])
    assert client.get(url).status_code == 302
    score_all(seat, value=4)
    page = client.get(url)
    assert page.status_code == 200
    assert colleague.user.full_name in page.content.decode()


def test_drafts_of_others_never_show_in_the_matrix(seat, challenge):
    drafting = declare(PanelSeatFactory(challenge=challenge))
    score_all(drafting, value=2, submit=False)
    score_all(seat, value=8)
    table = services.matrix(challenge, viewer=seat.user)
    assert [s.pk for s in table.seats] == [seat.pk]
