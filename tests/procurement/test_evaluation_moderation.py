"""Journey 4: the chair's matrix, consensus with reasons, disqualification, shortlist, and
the award or a close without one; nothing of the evaluation changes after the award."""

from decimal import Decimal

import pytest
from django.urls import reverse

from procurement import evaluation_services as services
from procurement.models import Award, Challenge, ConsensusScore, Proposal
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
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
def proposals(challenge):
    return [SubmittedProposalFactory(challenge=challenge) for _ in range(2)]


@pytest.fixture
def chair(challenge, proposals):
    return declare(PanelSeatFactory(challenge=challenge, is_chair=True))


@pytest.fixture
def member(challenge, proposals):
    return declare(PanelSeatFactory(challenge=challenge))


def award(challenge, proposal, by, **overrides):
    values = {
        "amount": Decimal("300000"),
        "currency": "THB",
        "justification": "Best impact for the price.",
    }
    return services.record_award(challenge, proposal, by=by, **{**values, **overrides})


def test_matrix_gives_weighted_totals_spreads_and_outliers(challenge, proposals, chair, member):
    third = declare(PanelSeatFactory(challenge=challenge))
    impact = challenge.criteria.get(name="Impact")
    score_all(chair, value=6)
    score_all(member, value=6)
    score_all(third, value=6, values={(proposals[0].pk, impact.pk): 10})
    table = services.matrix(challenge, viewer=chair.user)
    row = next(r for r in table.rows if r.proposal == proposals[0])
    cell = next(c for c in row.cells if c.criterion == impact)
    assert [outlier for _score, outlier in cell.scores] == [False, False, True]
    # 10 on a 50 % criterion and 6 elsewhere: 0.5 * 10 + 0.5 * 6
    assert row.totals[2] == Decimal("8.0")
    assert cell.mean == Decimal("7.3")
    third_spread = table.spreads[2]
    assert (third_spread.lowest, third_spread.highest, third_spread.spread) == (
        Decimal("6.0"),
        Decimal("8.0"),
        Decimal("2.0"),
    )


def test_chair_records_consensus_with_a_reason_where_it_departs_from_the_mean(
    challenge, proposals, chair, member
):
    score_all(chair, value=6)
    score_all(member, value=8)
    criteria = list(challenge.criteria.all())
    with pytest.raises(Refused):
        services.record_consensus(proposals[0], {criteria[0].pk: (Decimal("9"), "")}, by=chair.user)
    services.record_consensus(
        proposals[0],
        {criteria[0].pk: (Decimal("7"), ""), criteria[1].pk: (Decimal("9"), "Cheapest bid.")},
        by=chair.user,
    )
    assert ConsensusScore.objects.get(criterion=criteria[1]).reason == "Cheapest bid."
    assert AuditEntry.objects.filter(action="evaluation.consensus_recorded").exists()


def test_only_the_chair_moderates_disqualifies_and_awards(
    client, challenge, proposals, chair, member
):
    score_all(chair)
    score_all(member)
    criterion = challenge.criteria.first()
    with pytest.raises(Refused):
        services.record_consensus(proposals[0], {criterion.pk: (7, "")}, by=member.user)
    with pytest.raises(Refused):
        services.disqualify(proposals[0], by=member.user, reason="Late documents")
    with pytest.raises(Refused):
        award(challenge, proposals[0], member.user)
    client.force_login(member.user)
    for name in ("evaluation_disqualify", "evaluation_shortlist", "evaluation_consensus"):
        url = reverse(f"procurement:{name}", args=[challenge.slug, proposals[0].pk])
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert (
        client.post(reverse("procurement:evaluation_award", args=[challenge.slug])).status_code
        == 404
    )
    services.disqualify(proposals[0], by=chair.user, reason="Not a registered SME")
    proposals[0].refresh_from_db()
    assert proposals[0].status == Proposal.Status.DISQUALIFIED
    assert proposals[0].disqualification.reason == "Not a registered SME"


def test_disqualifying_needs_a_reason(challenge, proposals, chair):
    with pytest.raises(Refused):
        services.disqualify(proposals[0], by=chair.user, reason=" ")


def test_chair_shortlists_and_takes_off_the_shortlist(challenge, proposals, chair):
    services.shortlist(proposals[0], by=chair.user)
    assert Proposal.objects.get(pk=proposals[0].pk).status == Proposal.Status.SHORTLISTED
    services.shortlist(proposals[0], by=chair.user, on=False)
    assert Proposal.objects.get(pk=proposals[0].pk).status == Proposal.Status.SUBMITTED


def test_award_needs_every_non_conflicted_evaluators_submitted_scores(
    challenge, proposals, chair, member
):
    score_all(chair)
    with pytest.raises(Refused):
        award(challenge, proposals[0], chair.user)
    score_all(member)
    award(challenge, proposals[0], chair.user)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.AWARDED


def test_an_evaluator_conflicted_with_every_bidder_does_not_hold_up_the_award(
    challenge, proposals, chair
):
    declare(PanelSeatFactory(challenge=challenge), conflicts=[p.sme for p in proposals])
    score_all(chair)
    award(challenge, proposals[1], chair.user)
    assert Award.objects.get().proposal == proposals[1]


def test_award_needs_a_proposal_not_disqualified(challenge, proposals, chair):
    score_all(chair)
    for proposal in proposals:
        services.disqualify(proposal, by=chair.user, reason="Incomplete")
    with pytest.raises(Refused):
        award(challenge, proposals[0], chair.user)
    assert not Award.objects.exists()


def test_award_sets_every_other_bid_unsuccessful(challenge, proposals, chair):
    score_all(chair)
    award(challenge, proposals[0], chair.user)
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {proposals[0].pk: "awarded", proposals[1].pk: "unsuccessful"}
    assert Award.objects.get().bidders == 2


def test_nothing_changes_after_the_award_and_each_attempt_is_audited(challenge, proposals, chair):
    score_all(chair)
    award(challenge, proposals[0], chair.user)
    challenge.refresh_from_db()
    criterion = challenge.criteria.first()
    attempts = [
        lambda: services.save_scores(chair, proposals[1], {criterion.pk: (1, "x")}, by=chair.user),
        lambda: services.record_consensus(proposals[1], {criterion.pk: (1, "x")}, by=chair.user),
        lambda: award(challenge, proposals[1], chair.user),
        lambda: services.disqualify(proposals[1], by=chair.user, reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(Refused):
            attempt()
    assert AuditEntry.objects.filter(action="evaluation.refused").count() == len(attempts)
    assert Award.objects.get().proposal == proposals[0]


def test_chair_closes_without_award_with_a_reason_bidders_read(
    client, challenge, proposals, chair, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(Refused):
        services.close_without_award(challenge, by=chair.user, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.close_without_award(challenge, by=chair.user, reason="No bid met the brief.")
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CANCELLED
    assert challenge.cancellation_reason == "No bid met the brief."
    assert AuditEntry.objects.filter(action="challenge.closed_without_award").exists()
    # Bids were opened at the deadline and stay readable: this is not a cancel before it.
    assert not challenge.cancelled_before_deadline()
    assert client.get(challenge.get_absolute_url()).content.decode().count("No bid met") == 1


def test_chair_awards_through_the_page(client, challenge, proposals, chair):
    score_all(chair)
    client.force_login(chair.user)
    page = client.get(reverse("procurement:evaluation_matrix", args=[challenge.slug]))
    assert page.status_code == 200
    response = client.post(
        reverse("procurement:evaluation_award", args=[challenge.slug]),
        {
            "proposal": proposals[1].pk,
            "amount": "280000",
            "currency": "THB",
            "justification": "Strongest team.",
        },
    )
    assert response.status_code == 302
    assert Award.objects.get().sme == proposals[1].sme
