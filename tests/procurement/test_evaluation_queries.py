"""Evaluation pages run a fixed number of queries however many proposals and evaluators."""

# Each bound includes the mentor role check (one query per signed-in request), which arrived
# beside the evaluation.

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import evaluation_services as services
from tests.factories import (
    ClosedChallengeFactory,
    PanelSeatFactory,
    SubmittedProposalFactory,
    declare,
    member_of,
    official_of,
    score_all,
)

pytestmark = pytest.mark.django_db


def evaluated(proposals, evaluators, *, award=False):
    challenge = ClosedChallengeFactory()
    bids = SubmittedProposalFactory.create_batch(proposals, challenge=challenge)
    chair = declare(PanelSeatFactory(challenge=challenge, is_chair=True))
    seats = [chair] + [
        declare(PanelSeatFactory(challenge=challenge)) for _ in range(evaluators - 1)
    ]
    for index, seat in enumerate(seats):
        score_all(seat, value=3 + index % 5)
    criterion = challenge.criteria.first()
    services.record_consensus(bids[0], {criterion.pk: (Decimal("9"), "Moderated")}, by=chair.user)
    if award:
        services.record_award(
            challenge, bids[0], by=chair.user, amount=Decimal(1), currency="THB", justification="x"
        )
        challenge.refresh_from_db()
    return challenge, bids, chair, seats


@pytest.mark.parametrize(("proposals", "evaluators"), [(2, 2), (12, 6)])
def test_evaluator_pages_run_constant_queries(
    client, django_assert_max_num_queries, proposals, evaluators
):
    challenge, bids, chair, seats = evaluated(proposals, evaluators)
    client.force_login(chair.user)
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("procurement:evaluation_matrix", args=[challenge.slug])).status_code
            == 200
        )
    with django_assert_max_num_queries(9):
        assert (
            client.get(reverse("procurement:evaluation", args=[challenge.slug])).status_code == 200
        )
    with django_assert_max_num_queries(9):
        url = reverse("procurement:evaluation_score", args=[challenge.slug, bids[-1].pk])
        assert client.get(url).status_code == 200
    client.force_login(seats[-1].user)
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("procurement:evaluation_matrix", args=[challenge.slug])).status_code
            == 200
        )


@pytest.mark.parametrize(("proposals", "evaluators"), [(2, 2), (12, 6)])
def test_panel_debrief_and_challenge_pages_run_constant_queries(
    client, django_assert_max_num_queries, proposals, evaluators
):
    challenge, bids, chair, _seats = evaluated(proposals, evaluators, award=True)
    client.force_login(official_of(challenge.city))
    with django_assert_max_num_queries(7):
        assert client.get(reverse("procurement:panel", args=[challenge.slug])).status_code == 200
    client.force_login(member_of(bids[-1].sme))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("procurement:debrief", args=[challenge.slug])).status_code == 200
    # The challenge's sectors and the bidder's eligibility reasons are on the page too.
    with django_assert_max_num_queries(17):
        assert client.get(challenge.get_absolute_url()).status_code == 200
    client.force_login(chair.user)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("dashboard")).status_code == 200
