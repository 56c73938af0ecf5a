"""An amendment never pulls the deadline in; a change of criteria leaves bidders time and asks them to confirm."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Challenge, Proposal
from procurement.services import amend_challenge, confirm_proposal_stands
from resilience_portal.audit import trail
from resilience_portal.formatting import format_city_moment
from resilience_portal.refusals import Refused
from tests.factories import ChallengeFactory, ProposalFactory, UserFactory, member_of, official_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)
NEW_CRITERIA = [("Impact", "", 40), ("Cost", "", 40), ("Team", "", 20)]
SAME_CRITERIA = [("Impact", "", 50), ("Cost", "", 30), ("Team", "", 20)]


class Clock:
    """The server clock, frozen at a whole minute and moved by hand, as the deadline tests do."""

    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, delta=SECOND):
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def challenge_closing_at(deadline):
    challenge = ChallengeFactory()
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=deadline - DAY,
        submissions_close=deadline,
        award_expected=deadline + 20 * DAY,
    )
    challenge.refresh_from_db()
    return challenge


def fresh(challenge):
    return Challenge.objects.get(pk=challenge.pk)


def submitted_proposal(challenge, **member):
    proposal = ProposalFactory(challenge=challenge)
    user = member_of(proposal.sme, **member)
    services.submit_proposal(proposal, by=user)
    return proposal, user


def reload(proposal):
    return Proposal.objects.select_related("challenge").get(pk=proposal.pk)


# --- rule (a): the deadline never moves earlier ---------------------------------------


def test_an_amendment_one_second_earlier_than_the_deadline_is_refused(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    deadline = challenge.submissions_close
    with pytest.raises(Refused, match="earlier") as refused:
        amend_challenge(
            challenge,
            by=official_of(challenge.city),
            summary="Sooner",
            submissions_close=deadline - SECOND,
        )
    assert refused.value.field == "submissions_close"
    assert fresh(challenge).submissions_close == deadline
    assert not challenge.amendments.exists()


def test_an_amendment_one_second_later_than_the_deadline_is_accepted(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    later = challenge.submissions_close + SECOND
    amend_challenge(
        challenge, by=official_of(challenge.city), summary="Later", submissions_close=later
    )
    assert fresh(challenge).submissions_close == later


def test_the_amend_form_shows_an_earlier_deadline_as_an_error_on_the_deadline_field(client):
    challenge = challenge_closing_at(datetime.datetime(2031, 3, 1, 5, 0, tzinfo=datetime.UTC))
    client.force_login(official_of(challenge.city))
    data = {
        "summary": "Sooner",
        "questions_close": "2031-02-28T12:00",  # Bangkok, UTC+7
        "submissions_close": "2031-03-01T11:59",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "3",
    }
    for index, (name, _description, weight) in enumerate(SAME_CRITERIA):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-weight"] = str(weight)
    response = client.post(reverse("procurement:challenge_amend", args=[challenge.slug]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "earlier" in errors["submissions_close"][0]
    assert "1 Mar 2031, 12:00 UTC+7" in errors["submissions_close"][0]
    assert fresh(challenge).submissions_close == challenge.submissions_close


# --- rule (b): a change of the terms leaves at least the minimum notice ----------------


def test_criteria_change_with_a_deadline_exactly_the_minimum_notice_away_is_kept(clock):
    challenge = challenge_closing_at(clock.now + 2 * DAY)
    asked = clock.now + 5 * DAY
    amend_challenge(
        challenge,
        by=official_of(challenge.city),
        summary="Cost weighs more",
        submissions_close=asked,
        criteria=NEW_CRITERIA,
    )
    assert fresh(challenge).submissions_close == asked


def test_criteria_change_with_a_deadline_one_second_short_of_the_notice_is_moved_out(clock):
    challenge = challenge_closing_at(clock.now + 2 * DAY)
    amendment = amend_challenge(
        challenge,
        by=official_of(challenge.city),
        summary="Cost weighs more",
        submissions_close=clock.now + 5 * DAY - SECOND,
        criteria=NEW_CRITERIA,
    )
    assert fresh(challenge).submissions_close == clock.now + 5 * DAY
    assert amendment.changes["submissions_close"][1] == (clock.now + 5 * DAY).isoformat()


def test_criteria_change_without_a_new_deadline_extends_it_to_the_minimum_notice(clock):
    challenge = challenge_closing_at(clock.now + 2 * DAY)
    amendment = amend_challenge(
        challenge, by=official_of(challenge.city), summary="Cost", criteria=NEW_CRITERIA
    )
    challenge = fresh(challenge)
    assert challenge.submissions_close == clock.now + 5 * DAY
    assert challenge.award_expected >= challenge.submissions_close
    assert amendment.changes_terms
    assert set(amendment.changes) == {"criteria", "submissions_close"}


def test_a_description_change_alone_is_a_change_of_criteria(clock):
    challenge = challenge_closing_at(clock.now + 2 * DAY)
    amend_challenge(
        challenge,
        by=official_of(challenge.city),
        summary="What cost means",
        criteria=[("Impact", "", 50), ("Cost", "Over five years", 30), ("Team", "", 20)],
    )
    assert fresh(challenge).submissions_close == clock.now + 5 * DAY


def test_criteria_change_leaves_a_deadline_already_past_the_notice_alone(clock):
    challenge = challenge_closing_at(clock.now + 5 * DAY + SECOND)
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    assert fresh(challenge).submissions_close == clock.now + 5 * DAY + SECOND


def test_a_deadline_extension_alone_needs_no_minimum_notice(clock):
    challenge = challenge_closing_at(clock.now + DAY)
    amendment = amend_challenge(
        challenge,
        by=official_of(challenge.city),
        summary="An hour more",
        submissions_close=clock.now + DAY + datetime.timedelta(hours=1),
        criteria=SAME_CRITERIA,
    )
    assert fresh(challenge).submissions_close == clock.now + DAY + datetime.timedelta(hours=1)
    assert not amendment.changes_terms


def test_the_minimum_notice_comes_from_the_setting(clock, settings):
    settings.CHALLENGE_AMENDMENT_MIN_NOTICE_DAYS = 10
    challenge = challenge_closing_at(clock.now + 2 * DAY)
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    assert fresh(challenge).submissions_close == clock.now + 10 * DAY


def test_the_official_is_told_the_deadline_the_amendment_moved_to(client):
    challenge = challenge_closing_at(timezone.now() + 2 * DAY)
    client.force_login(official_of(challenge.city))
    url = reverse("procurement:challenge_amend", args=[challenge.slug])
    page = client.get(url).content.decode()
    assert "at least 5 days" in page
    shown = timezone.localtime(challenge.submissions_close, challenge.city.zone)
    data = {
        "summary": "Cost weighs more",
        "questions_close": (shown - DAY).strftime("%Y-%m-%dT%H:%M"),
        "submissions_close": shown.strftime("%Y-%m-%dT%H:%M"),
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "3",
    }
    for index, (name, _description, weight) in enumerate(NEW_CRITERIA):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-weight"] = str(weight)
    response = client.post(url, data, follow=True)
    moved = timezone.localtime(fresh(challenge).submissions_close, challenge.city.zone)
    assert moved >= timezone.localtime() + 5 * DAY - datetime.timedelta(minutes=1)
    assert f"now close on {format_city_moment(moved, challenge.city)}" in response.content.decode()


# --- rule (c): bidders who submitted are asked to confirm or revise -------------------


def test_smes_that_submitted_are_asked_in_their_language_to_confirm_or_revise(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    _thai, thai_member = submitted_proposal(challenge, user__language="th")
    _english, english_member = submitted_proposal(challenge, user__language="en")
    drafter = member_of(ProposalFactory(challenge=challenge).sme)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amend_challenge(
            challenge, by=official_of(challenge.city), summary="Cost", criteria=NEW_CRITERIA
        )
    to = {message.to[0]: message for message in mailoutbox}
    assert "confirm that it stands" in to[english_member.email].body
    assert "Submissions close" in to[english_member.email].body
    assert "ปิดรับข้อเสนอ" in to[thai_member.email].body  # "Submissions close" in Thai
    assert "confirm or revise" in to[english_member.email].subject
    # A drafting SME hears of the amendment, but has nothing to confirm.
    assert "confirm that it stands" not in to[drafter.email].body
    assert "Cost" in to[drafter.email].body
    assert len(mailoutbox) == 3


def test_a_deadline_extension_alone_asks_nobody_to_confirm(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    _proposal, member = submitted_proposal(challenge)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        amend_challenge(
            challenge,
            by=official_of(challenge.city),
            summary="More time",
            submissions_close=clock.now + 12 * DAY,
        )
    [message] = mailoutbox
    assert message.to == [member.email]
    assert "confirm that it stands" not in message.body


def test_an_sme_confirms_its_proposal_stands_after_an_amendment(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    clock.advance()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    assert reload(proposal).awaits_confirmation()
    assert not reload(proposal).stands_after_last_amendment()
    clock.advance()
    confirm_proposal_stands(proposal, by=member)
    proposal = reload(proposal)
    assert proposal.confirmed_at == clock.now
    assert proposal.stands_after_last_amendment()
    assert proposal.version == 1  # no new receipt: nothing changed
    assert "proposal.confirmed" in [entry.action for entry in trail(proposal)]


def test_confirming_is_refused_without_an_amendment_since_submission(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    with pytest.raises(Refused, match="nothing to confirm"):
        confirm_proposal_stands(proposal, by=member)
    clock.advance()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    clock.advance()
    late, late_member = submitted_proposal(challenge)  # submitted knowing the amendment
    with pytest.raises(Refused, match="nothing to confirm"):
        confirm_proposal_stands(late, by=late_member)
    confirm_proposal_stands(proposal, by=member)
    with pytest.raises(Refused, match="nothing to confirm"):
        confirm_proposal_stands(proposal, by=member)  # once is enough


def test_confirming_is_refused_to_others_and_for_a_draft(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    proposal, _member = submitted_proposal(challenge)
    draft = ProposalFactory(challenge=challenge)
    clock.advance()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    with pytest.raises(Refused):
        confirm_proposal_stands(proposal, by=official_of(challenge.city))
    with pytest.raises(Refused, match="submitted"):
        confirm_proposal_stands(draft, by=member_of(draft.sme))


def test_confirming_one_second_before_the_deadline_is_accepted_and_at_it_refused(clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    other, other_member = submitted_proposal(challenge)
    clock.advance()
    amendment = amend_challenge(
        challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA
    )
    deadline = fresh(challenge).submissions_close
    assert amendment.changes_terms
    clock.now = deadline - SECOND
    confirm_proposal_stands(proposal, by=member)
    clock.now = deadline
    with pytest.raises(Refused, match="deadline"):
        confirm_proposal_stands(other, by=other_member)
    assert reload(other).confirmed_at is None


def test_the_proposal_page_offers_the_confirmation_and_the_button_confirms(client):
    challenge = challenge_closing_at(timezone.now() + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - SECOND)
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    client.force_login(member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Confirm my proposal stands" in page
    response = client.post(reverse("procurement:proposal_confirm", args=[proposal.pk]))
    assert response.status_code == 302
    assert reload(proposal).confirmed_at is not None
    assert (
        "Confirm my proposal stands" not in client.get(proposal.get_absolute_url()).content.decode()
    )


def test_the_challenge_page_tells_a_bidder_that_submitted_before_an_amendment(client):
    challenge = challenge_closing_at(timezone.now() + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=timezone.now() - SECOND)
    client.force_login(member)
    assert "confirm or revise" not in client.get(challenge.get_absolute_url()).content.decode()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    assert "confirm or revise" in client.get(challenge.get_absolute_url()).content.decode()


def test_confirming_someone_elses_proposal_is_404(client):
    challenge = challenge_closing_at(timezone.now() + 10 * DAY)
    proposal, _member = submitted_proposal(challenge)
    client.force_login(UserFactory())
    response = client.post(reverse("procurement:proposal_confirm", args=[proposal.pk]))
    assert response.status_code == 404


def test_a_get_does_not_confirm(client):
    challenge = challenge_closing_at(timezone.now() + 10 * DAY)
    proposal, member = submitted_proposal(challenge)
    client.force_login(member)
    response = client.get(reverse("procurement:proposal_confirm", args=[proposal.pk]))
    assert response.status_code == 405


# --- rule (d): after the deadline the panel sees who confirmed ------------------------


def test_after_the_deadline_the_list_shows_who_confirmed_revised_or_did_not(client, clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    confirmed, confirmer = submitted_proposal(challenge)
    revised, reviser = submitted_proposal(challenge)
    silent, _silent_member = submitted_proposal(challenge)
    clock.advance()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    clock.advance()
    confirm_proposal_stands(confirmed, by=confirmer)
    services.save_proposal_answers(revised, by=reviser, solution="Revised for the new criteria")
    assert reload(revised).version == 2  # a new receipt
    clock.now = fresh(challenge).submissions_close
    client.force_login(official_of(challenge.city))
    response = client.get(reverse("procurement:proposal_table", args=[challenge.slug]))
    rows = {
        proposal.sme.legal_name: standing
        for proposal, standing in zip(
            response.context["proposals"],
            response.content.decode().split('data-testid="standing">')[1:],
            strict=True,
        )
    }
    assert rows[confirmed.sme.legal_name].startswith("Confirmed on")
    assert rows[revised.sme.legal_name].startswith("Submitted or revised after it")
    assert "Not confirmed" in rows[silent.sme.legal_name].split("</td>")[0]
    csv = client.get(reverse("procurement:proposal_table_csv", args=[challenge.slug]))
    lines = {line.split(",")[0]: line.split(",")[-1] for line in csv.content.decode().splitlines()}
    assert lines[confirmed.sme.legal_name] == lines[revised.sme.legal_name] == "yes"
    assert lines[silent.sme.legal_name] == "no"
    assert [p.stands_after_last_amendment() for p in (reload(confirmed), reload(silent))] == [
        True,
        False,
    ]


def test_without_an_amendment_the_list_has_no_confirmation_column(client, clock):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    submitted_proposal(challenge)
    clock.now = challenge.submissions_close
    client.force_login(official_of(challenge.city))
    page = client.get(reverse("procurement:proposal_table", args=[challenge.slug]))
    assert "After the last amendment" not in page.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_amended_list_runs_constant_queries(client, clock, django_assert_max_num_queries, size):
    challenge = challenge_closing_at(clock.now + 10 * DAY)
    for _ in range(size):
        submitted_proposal(challenge)
    clock.advance()
    amend_challenge(challenge, by=official_of(challenge.city), summary="C", criteria=NEW_CRITERIA)
    clock.now = fresh(challenge).submissions_close
    client.force_login(official_of(challenge.city))
    client.get(challenge.get_absolute_url())  # records the close
    with django_assert_max_num_queries(8):
        response = client.get(reverse("procurement:proposal_table", args=[challenge.slug]))
    assert response.content.decode().count("Not confirmed") == size
