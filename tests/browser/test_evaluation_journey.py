"""An evaluator declares conflicts and scores, the chair moderates and awards, and an
unsuccessful SME reads its debrief on a phone and asks a standstill question
(journeys 2 → 3 → 4 → 5 of the evaluation)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from procurement.models import Award, StandstillQuestion
from tests.factories import (
    PASSWORD,
    ClosedChallengeFactory,
    PanelSeatFactory,
    SubmittedProposalFactory,
    UserFactory,
    VerifiedSMEFactory,
    declare,
    member_of,
    official_of,
    score_all,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email*", exact=True).fill(user.email)
    page.get_by_label("Password*", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def test_evaluator_scores_chair_awards_and_unsuccessful_sme_asks_on_a_phone(page):
    challenge = ClosedChallengeFactory(title="Cool bus stops for Bangkok")
    winner_sme = VerifiedSMEFactory(city=challenge.city, legal_name="Shade Works Co")
    loser_sme = VerifiedSMEFactory(city=challenge.city, legal_name="Mist Stop Ltd")
    winner = SubmittedProposalFactory(challenge=challenge, sme=winner_sme, solution="Tree canopies")
    SubmittedProposalFactory(challenge=challenge, sme=loser_sme, solution="Misting fans")
    chair = official_of(challenge.city, user=UserFactory(full_name="Chair Person"))
    chair_seat = PanelSeatFactory(challenge=challenge, user=chair, is_chair=True)
    score_all(declare(chair_seat), value=6)
    expert = UserFactory(full_name="Outside Expert")
    PanelSeatFactory(challenge=challenge, user=expert)
    loser = member_of(loser_sme)

    # Journey 2: the expert declares a conflict with one bidder before seeing anything.
    sign_in(page, expert)
    page.goto(f"/challenges/{challenge.slug}/evaluation/")
    expect(page.get_by_text("Misting fans")).to_have_count(0)
    page.get_by_role("link", name="Declare conflicts").click()
    mist = page.get_by_role("group", name="Mist Stop Ltd")
    mist.get_by_label("Conflict of interest").check()
    mist.get_by_label(re.compile("Nature of the conflict")).fill("I advised them last year.")
    page.get_by_role("group", name="Shade Works Co").get_by_label("No conflict").check()
    page.get_by_role("button", name="Record my declarations").click()
    expect(page.get_by_text("Your declarations are recorded.")).to_be_visible()
    expect(page.get_by_role("link", name="Mist Stop Ltd")).to_have_count(0)

    # Journey 3: scores with a comment each, a draft, then the submission.
    page.get_by_role("link", name="Shade Works Co").click()
    expect(page.get_by_text("Tree canopies")).to_be_visible()
    for criterion, value in (("Impact", "9"), ("Cost", "7"), ("Team", "8")):
        page.get_by_label(f"Score for {criterion} (0-10)").fill(value)
        page.get_by_label(f"Comment on {criterion}").fill(f"{criterion}: convincing.")
    page.get_by_role("button", name="Save draft scores").click()
    expect(page.get_by_text("Your scores are saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Submit my scores").click()
    expect(page.get_by_text("Your scores are submitted.").first).to_be_visible()

    # Journey 4: the chair sees the matrix, moderates one proposal and records the award.
    sign_in(page, chair)
    page.goto(f"/challenges/{challenge.slug}/evaluation/matrix/")
    expect(page.get_by_test_id("matrix")).to_contain_text("Outside Expert")
    moderate = page.locator("details", has_text="Moderate Mist Stop Ltd")
    moderate.locator("summary").click()
    moderate.get_by_label("Consensus on Impact").fill("5.5")
    moderate.get_by_label(re.compile("Reason, if it differs")).first.fill("Fans need power.")
    moderate.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_text("Consensus recorded for Mist Stop Ltd.")).to_be_visible()
    page.get_by_label("Winning proposal").select_option(label="Shade Works Co")
    page.get_by_label("Amount").fill("950000")
    page.get_by_label("Justification").fill("Shade that lasts twenty years.")
    page.get_by_role("button", name="Record the award").click()
    expect(page.get_by_text("The award is recorded and every bidder is told.")).to_be_visible()
    expect(page.get_by_role("heading", name="Award notice")).to_be_visible()
    assert Award.objects.get().proposal == winner
    assert any(loser.email in m.to and "/debrief/" in m.body for m in mail.outbox)

    # Journey 5: the unsuccessful SME reads its debrief on a phone and asks one question.
    assert page.viewport_size["width"] == 390
    sign_in(page, loser)
    page.goto(challenge.get_absolute_url())
    page.get_by_role("link", name="Read your debrief").click()
    expect(page.get_by_text("Fans need power.")).to_be_visible()
    expect(page.get_by_test_id("rank")).to_have_text("Your rank: 2 of 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Your question to the panel's chair").fill("What would have raised impact?")
    page.get_by_role("button", name="Ask the chair").click()
    expect(page.get_by_text("Your question is sent to the panel's chair.")).to_be_visible()
    expect(page.get_by_text("Awaiting the chair's answer.")).to_be_visible()
    assert StandstillQuestion.objects.get().question == "What would have raised impact?"
