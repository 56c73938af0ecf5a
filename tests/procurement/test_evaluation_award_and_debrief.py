"""Journey 5: the public award notice, the award and debrief e-mails in each bidder's
language, the debrief page, standstill questions and the award becoming final."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import evaluation_services as services
from procurement.models import Award, StandstillQuestion
from procurement.tasks import record_final_awards
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    ClosedChallengeFactory,
    PanelSeatFactory,
    SubmittedProposalFactory,
    UserFactory,
    declare,
    member_of,
    score_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge():
    return ClosedChallengeFactory(title="Cool bus stops")


@pytest.fixture
def bids(challenge):
    winner, second, third = (SubmittedProposalFactory(challenge=challenge) for _ in range(3))
    return winner, second, third


@pytest.fixture
def chair(challenge, bids):
    return declare(PanelSeatFactory(challenge=challenge, is_chair=True))


@pytest.fixture
def awarded(challenge, bids, chair, django_capture_on_commit_callbacks):
    winner, second, third = bids
    impact, cost, _team = challenge.criteria.all()
    score_all(
        chair,
        values={
            (winner.pk, impact.pk): 9,
            (second.pk, impact.pk): 5,
            (third.pk, impact.pk): 3,
            (third.pk, cost.pk): 2,
        },
        value=6,
    )
    services.record_consensus(
        second, {impact.pk: (Decimal("5.5"), "Strong local partner.")}, by=chair.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.record_award(
            challenge,
            winner,
            by=chair.user,
            amount=Decimal("450000"),
            currency="THB",
            justification="Most impact per baht.",
        )


def test_award_notice_is_public_on_the_challenge_page(client, challenge, awarded):
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Award notice" in page
    assert str(awarded.sme) in page
    assert "450,000.00" in page
    assert ">3<" in page  # proposals received


def test_every_bidder_is_emailed_in_their_own_language(
    challenge, bids, chair, mailoutbox, django_capture_on_commit_callbacks
):
    winner, second, third = bids
    winning = member_of(winner.sme)
    thai = member_of(second.sme, user=UserFactory(language="th"))
    english = member_of(third.sme)
    score_all(chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_award(
            challenge,
            winner,
            by=chair.user,
            amount=Decimal("450000"),
            currency="THB",
            justification="Most impact per baht.",
        )
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {winning.email, thai.email, english.email}
    assert "won" in by_address[winning.email].subject
    assert "THB\xa0450,000.00" in by_address[winning.email].body
    assert "พอร์ทัลเมืองยืดหยุ่น" in by_address[thai.email].body
    assert "พอร์ทัลเมืองยืดหยุ่น" not in by_address[english.email].body
    debrief = by_address[english.email].body
    assert "/debrief/" in debrief
    assert "Your rank: 1 of 3" in debrief  # every score equal: they share the first rank
    assert "Comment on Impact" in debrief


def test_debrief_shows_own_and_winners_scores_never_another_unsuccessful_smes(
    client, challenge, bids, awarded
):
    _winner, second, third = bids
    user = member_of(second.sme)
    client.force_login(user)
    page = client.get(reverse("procurement:debrief", args=[challenge.slug])).content.decode()
    assert "Strong local partner." in page
    assert "Your rank: 2 of 3" in page
    report = services.debrief(second)
    impact = report.criteria[0]
    assert (impact[1], impact[4]) == (Decimal("5.5"), Decimal("9.0"))
    assert str(third.sme) not in page
    # The third bid's weighted total (3 x 50 % + 2 x 30 % + 6 x 20 %) appears nowhere.
    assert (report.own_total, report.winner_total) == (Decimal("5.8"), Decimal("7.5"))
    assert "3.3" not in page


def test_the_winner_and_outsiders_have_no_debrief(client, challenge, bids, awarded):
    winner, _second, _third = bids
    client.force_login(member_of(winner.sme))
    assert client.get(reverse("procurement:debrief", args=[challenge.slug])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("procurement:debrief", args=[challenge.slug])).status_code == 404


def test_an_unsuccessful_bidder_asks_one_question_the_chair_answers_and_both_are_audited(
    client, challenge, bids, chair, awarded, mailoutbox, django_capture_on_commit_callbacks
):
    _winner, second, _third = bids
    user = member_of(second.sme)
    client.force_login(user)
    url = reverse("procurement:debrief", args=[challenge.slug])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"question": "Why 5.5 on impact?"}).status_code == 302
    assert any(chair.user.email in m.to for m in mailoutbox)
    with pytest.raises(Refused):
        services.ask_standstill_question(second, by=user, question="And another?")
    question = StandstillQuestion.objects.get()
    services.answer_standstill_question(question, by=chair.user, answer="Fewer households reached.")
    assert "Fewer households reached." in client.get(url).content.decode()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"standstill.asked", "standstill.answered"} <= actions


def test_only_the_chair_answers(challenge, bids, chair, awarded):
    _winner, second, _third = bids
    question = services.ask_standstill_question(second, by=member_of(second.sme), question="Why?")
    with pytest.raises(Refused):
        services.answer_standstill_question(question, by=member_of(second.sme), answer="x")


def test_the_winner_and_other_challenges_bidders_cannot_ask(challenge, bids, awarded):
    winner, _second, _third = bids
    with pytest.raises(Refused):
        services.ask_standstill_question(winner, by=member_of(winner.sme), question="Why?")
    elsewhere = SubmittedProposalFactory(challenge=ClosedChallengeFactory())
    with pytest.raises(Refused):
        services.ask_standstill_question(elsewhere, by=member_of(elsewhere.sme), question="?")


def test_questions_only_during_the_standstill(challenge, bids, awarded):
    _winner, second, third = bids
    services.ask_standstill_question(second, by=member_of(second.sme), question="In time")
    Award.objects.update(
        decided_at=timezone.now() - datetime.timedelta(days=11),
        standstill_ends_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    with pytest.raises(Refused):
        services.ask_standstill_question(third, by=member_of(third.sme), question="Too late")


def test_award_is_final_after_the_standstill_by_the_clock_even_without_the_beat(
    client, challenge, awarded
):
    assert not awarded.is_final()
    Award.objects.update(
        decided_at=timezone.now() - datetime.timedelta(days=11),
        standstill_ends_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    award = Award.objects.get()
    assert award.final_at is None
    assert award.is_final()
    assert "In standstill" not in client.get(challenge.get_absolute_url()).content.decode()


def test_the_beat_records_finality_once(awarded):
    assert record_final_awards() == 0
    Award.objects.update(
        decided_at=timezone.now() - datetime.timedelta(days=11),
        standstill_ends_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert record_final_awards() == 1
    assert record_final_awards() == 0
    assert Award.objects.get().final_at is not None
    assert AuditEntry.objects.filter(action="award.final").count() == 1


def test_standstill_length_comes_from_the_challenge(challenge, bids, chair):
    challenge.standstill_days = 3
    challenge.save(update_fields=["standstill_days"])
    score_all(chair)
    award = services.record_award(
        challenge, bids[0], by=chair.user, amount=Decimal(1), currency="THB", justification="x"
    )
    assert award.standstill_ends_at - award.decided_at == datetime.timedelta(days=3)
