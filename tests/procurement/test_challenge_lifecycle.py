"""A challenge goes draft → pending approval → published → closed → evaluating, or is cancelled."""

import datetime

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import Challenge
from procurement.services import close_challenge
from procurement.tasks import close_due_challenges
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from tests.factories import ChallengeFactory, UserFactory, official_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ChallengeFactory(status=Challenge.Status.DRAFT, published_at=None)


def actions(challenge):
    return [entry.action for entry in trail(challenge)]


def test_official_submits_draft_for_approval(draft, staff):
    services.submit_for_approval(draft, by=official_of(draft.city))
    assert draft.status == Challenge.Status.PENDING_APPROVAL
    assert "challenge.submitted" in actions(draft)


def test_official_of_another_city_cannot_submit(draft):
    with pytest.raises(Refused):
        services.submit_for_approval(draft, by=official_of(ChallengeFactory().city))


def test_criteria_weights_must_add_up_to_100_before_approval():
    draft = ChallengeFactory(status=Challenge.Status.DRAFT, criteria=[("Impact", 60), ("Cost", 30)])
    with pytest.raises(Refused, match="100"):
        services.submit_for_approval(draft, by=official_of(draft.city))
    assert draft.status == Challenge.Status.DRAFT


def test_staff_approval_publishes(draft, staff):
    services.submit_for_approval(draft, by=official_of(draft.city))
    services.approve_challenge(draft, by=staff)
    assert draft.status == Challenge.Status.PUBLISHED
    assert draft.published_at is not None
    assert "challenge.published" in actions(draft)


def test_official_cannot_approve(draft):
    official = official_of(draft.city)
    services.submit_for_approval(draft, by=official)
    with pytest.raises(Refused):
        services.approve_challenge(draft, by=official)
    assert draft.status == Challenge.Status.PENDING_APPROVAL


def test_a_draft_cannot_be_approved_before_it_is_submitted(draft, staff):
    with pytest.raises(Refused):
        services.approve_challenge(draft, by=staff)


def test_staff_send_back_with_comments(
    draft, staff, mailoutbox, django_capture_on_commit_callbacks
):
    official = official_of(draft.city)
    services.submit_for_approval(draft, by=official)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_back_challenge(draft, by=staff, comments="Say who the users are.")
    assert draft.status == Challenge.Status.DRAFT
    assert draft.review_comments == "Say who the users are."
    assert any(official.email in m.to and "Say who" in m.body for m in mailoutbox)
    assert "challenge.sent_back" in actions(draft)


def test_send_back_needs_comments(draft, staff):
    services.submit_for_approval(draft, by=official_of(draft.city))
    with pytest.raises(Refused):
        services.send_back_challenge(draft, by=staff, comments="  ")


def test_a_close_past_the_deadline_is_recorded_once():
    challenge = ChallengeFactory()
    challenge.submissions_close = timezone.now() - datetime.timedelta(seconds=1)
    challenge.questions_close = challenge.submissions_close
    challenge.save()
    assert challenge.status_now() == Challenge.Status.CLOSED
    assert close_challenge(challenge) is True
    assert challenge.status == Challenge.Status.CLOSED
    assert close_challenge(challenge) is False
    assert actions(challenge).count("challenge.closed") == 1


def test_beat_task_closes_due_challenges_and_leaves_open_ones():
    due = ChallengeFactory()
    Challenge.objects.filter(pk=due.pk).update(
        questions_close=timezone.now() - datetime.timedelta(minutes=2),
        submissions_close=timezone.now() - datetime.timedelta(minutes=1),
    )
    still_open = ChallengeFactory()
    assert close_due_challenges() == 1
    due.refresh_from_db()
    still_open.refresh_from_db()
    assert due.status == Challenge.Status.CLOSED
    assert still_open.status == Challenge.Status.PUBLISHED


def test_evaluation_starts_only_after_close():
    challenge = ChallengeFactory()
    official = official_of(challenge.city)
    with pytest.raises(Refused):
        services.start_evaluation(challenge, by=official)
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(minutes=2),
        submissions_close=timezone.now() - datetime.timedelta(minutes=1),
    )
    challenge.refresh_from_db()
    services.start_evaluation(challenge, by=official)
    assert challenge.status == Challenge.Status.EVALUATING
    assert "challenge.evaluation_started" in actions(challenge)


def test_cancel_needs_a_reason_and_an_official():
    challenge = ChallengeFactory()
    with pytest.raises(Refused):
        services.cancel_challenge(challenge, by=official_of(challenge.city), reason="")
    with pytest.raises(Refused):
        services.cancel_challenge(challenge, by=UserFactory(), reason="Budget cut")
    services.cancel_challenge(challenge, by=official_of(challenge.city), reason="Budget cut")
    assert challenge.status == Challenge.Status.CANCELLED
    assert "challenge.cancelled" in actions(challenge)


def test_cancelled_challenge_cannot_be_cancelled_again():
    challenge = ChallengeFactory(status=Challenge.Status.CANCELLED)
    with pytest.raises(Refused):
        services.cancel_challenge(challenge, by=official_of(challenge.city), reason="Again")


def test_model_validation_rejects_inverted_timeline():
    challenge = ChallengeFactory.build(
        questions_close=timezone.now() + datetime.timedelta(days=5),
        submissions_close=timezone.now() + datetime.timedelta(days=1),
    )
    with pytest.raises(Exception, match="Questions must close"):
        challenge.clean()
