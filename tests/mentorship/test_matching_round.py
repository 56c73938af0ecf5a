"""Cohort-wide matching: staff open a round, people sign up, the matcher proposes the pairs
with the best total fit under every mentor's capacity, staff adjust and confirm, and each
pair is asked to accept."""

from itertools import permutations

import pytest
from django.urls import reverse

from mentorship import matching, services
from mentorship.models import MatchingRound, Mentorship, ProposedPair
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    CohortFactory,
    MenteeProfileFactory,
    MentorProfileFactory,
    an_official,
    an_sme_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def matching_round(staff):
    return services.open_matching_round(
        CohortFactory(status="running"), name="Spring round", by=staff
    )


def _mentee(needs, languages, zone="Asia/Bangkok"):
    user = an_official(user__time_zone=zone)
    MenteeProfileFactory(user=user, needs=needs, languages=languages)
    return user


def test_the_matcher_finds_the_best_total_fit_not_the_greedy_one():
    # Greedy would give the versatile mentor to the first mentee and leave the second with a
    # poor fit; the best total puts each mentee with the mentor only they fit.
    versatile = MentorProfileFactory(
        expertise=["climate_finance", "pilots"], languages=["en"], capacity=1
    )
    specialist = MentorProfileFactory(expertise=["climate_finance"], languages=["en"], capacity=1)
    wants_both = matching.Candidate("a", ["climate_finance", "pilots"], ["en"], "Asia/Bangkok")
    wants_finance = matching.Candidate("b", ["climate_finance"], ["en"], "Asia/Bangkok")
    candidates = [wants_finance, wants_both]
    mentors = [(versatile, 1), (specialist, 1)]

    pairs = matching.assign(candidates, mentors)

    total = sum(fit.score for _c, _m, fit in pairs)
    best = max(
        sum(
            matching.fit(m, needs=c.needs, languages=c.languages, time_zone=c.time_zone).score
            for c, m in zip(candidates, order, strict=True)
        )
        for order in permutations([versatile, specialist])
    )
    assert total == pytest.approx(best, abs=0.05)
    assert {(c.key, m) for c, m, _fit in pairs} == {("a", versatile), ("b", specialist)}


def test_the_matcher_never_gives_a_mentor_more_mentees_than_places():
    mentor = MentorProfileFactory(capacity=3)
    candidates = [
        matching.Candidate(n, ["procurement_design"], ["en"], "Asia/Bangkok") for n in range(5)
    ]

    pairs = matching.assign(candidates, [(mentor, 2)])

    assert len(pairs) == 2


def test_staff_run_the_matcher_and_see_pairs_with_reasons(client, staff, matching_round):
    thai = _mentee(["climate_finance"], ["th"])
    english = _mentee(["pilots"], ["en"])
    thai_mentor = MentorProfileFactory(expertise=["climate_finance"], languages=["th"])
    english_mentor = MentorProfileFactory(expertise=["pilots"], languages=["en"])
    for person in (thai, english):
        services.join_round(matching_round, person, as_mentor=False)
    for mentor in (thai_mentor, english_mentor):
        services.join_round(matching_round, mentor.user, as_mentor=True, capacity=1)
    client.force_login(staff)

    client.post(reverse("mentorship:run_matcher", args=[matching_round.pk]))

    pairs = {(p.mentee, p.mentor) for p in ProposedPair.objects.all()}
    assert pairs == {(thai, thai_mentor), (english, english_mentor)}
    page = client.get(matching_round.get_absolute_url()).content.decode()
    assert "Speaks Thai." in page
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.PROPOSED
    assert matching_round.total_fit > 0


def test_a_mentor_already_at_capacity_gets_no_one_in_the_round(staff, matching_round):
    busy = MentorProfileFactory(capacity=1)
    services.accept_mentorship(
        services.request_mentorship(busy, mentee=an_official(), by=staff), by=busy.user
    )
    services.join_round(matching_round, busy.user, as_mentor=True, capacity=1)
    services.join_round(matching_round, _mentee(["procurement_design"], ["en"]), as_mentor=False)

    services.run_matcher(matching_round, by=staff)

    assert not ProposedPair.objects.exists()


def test_staff_move_a_mentee_to_a_mentor_with_a_free_place_but_not_to_a_full_one(
    staff, matching_round
):
    mentees = [_mentee(["procurement_design"], ["en"]) for _ in range(2)]
    first, second = MentorProfileFactory(), MentorProfileFactory()
    for person in mentees:
        services.join_round(matching_round, person, as_mentor=False)
    services.join_round(matching_round, first.user, as_mentor=True, capacity=2)
    services.join_round(matching_round, second.user, as_mentor=True, capacity=1)
    services.run_matcher(matching_round, by=staff)
    pair_with_first = ProposedPair.objects.filter(mentor=first).first()
    pair_with_second = ProposedPair.objects.get(mentor=second)

    with pytest.raises(Refused, match="no place left"):
        services.adjust_pair(pair_with_first, mentor=second, by=staff)
    services.adjust_pair(pair_with_second, mentor=first, by=staff)

    assert ProposedPair.objects.filter(mentor=first).count() == 2
    assert AuditEntry.objects.filter(action="round.pair_adjusted").exists()


def test_confirming_asks_each_pair_to_accept_as_one_by_one(
    staff, matching_round, mailoutbox, sent_after_commit
):
    mentee = _mentee(["procurement_design"], ["en"])
    mentor = MentorProfileFactory()
    services.join_round(matching_round, mentee, as_mentor=False)
    services.join_round(matching_round, mentor.user, as_mentor=True)
    services.run_matcher(matching_round, by=staff)

    with sent_after_commit():
        services.confirm_round(matching_round, by=staff)

    mentorship = Mentorship.objects.get()
    assert (mentorship.mentor, mentorship.mentee, mentorship.status) == (mentor, mentee, "proposed")
    assert mentorship.reasons
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentor.user.email, mentee.email])
    services.accept_mentorship(mentorship, by=mentor.user)
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_a_confirmed_round_cannot_be_matched_again_or_adjusted(staff, matching_round):
    services.run_matcher(matching_round, by=staff)
    services.confirm_round(matching_round, by=staff)

    with pytest.raises(Refused):
        services.run_matcher(matching_round, by=staff)


def test_only_staff_open_rounds_and_run_the_matcher(client, matching_round):
    member = an_sme_member()
    client.force_login(member)

    assert client.get(reverse("mentorship:rounds")).status_code == 403
    assert (
        client.post(reverse("mentorship:run_matcher", args=[matching_round.pk])).status_code == 403
    )
    with pytest.raises(Refused):
        services.run_matcher(matching_round, by=member)


def test_joining_needs_stated_needs_or_a_mentor_profile(matching_round):
    person = an_official()
    with pytest.raises(Refused, match="needs"):
        services.join_round(matching_round, person, as_mentor=False)
    with pytest.raises(Refused, match="mentor profile"):
        services.join_round(matching_round, person, as_mentor=True)


def test_a_mentor_who_is_also_a_mentee_in_the_round_is_never_paired_with_themselves(
    staff, matching_round
):
    both = _mentee(["pilots"], ["en"])
    their_profile = MentorProfileFactory(user=both, expertise=["pilots"], languages=["en"])
    services.join_round(matching_round, both, as_mentor=False)
    services.join_round(matching_round, both, as_mentor=True)

    services.run_matcher(matching_round, by=staff)

    assert not ProposedPair.objects.filter(mentee=both, mentor=their_profile).exists()
