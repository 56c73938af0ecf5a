"""Who hears about a challenge: matching SMEs on publication, bidders on answers, amendments, cancellation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement import notices, services
from procurement.models import Challenge, Clarification, Proposal
from procurement.services import amend_challenge
from procurement.tasks import notify_challenge_audience
from resilience_portal.audit import trail
from resilience_portal.refusals import Refused
from smes.models import Sector
from tests.factories import (
    ChallengeFactory,
    ProposalFactory,
    StaffFactory,
    UserFactory,
    VerifiedSMEFactory,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db


def test_publication_emails_smes_whose_sectors_match_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL, sectors=["water"])
    water = VerifiedSMEFactory(city=challenge.city)
    water.sectors.add(Sector.objects.get(code="water"))
    energy = VerifiedSMEFactory(city=challenge.city)
    energy.sectors.add(Sector.objects.get(code="energy"))
    told, not_told = member_of(water), member_of(energy)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_challenge(challenge, by=StaffFactory())
    recipients = {address for message in mailoutbox for address in message.to}
    assert told.email in recipients
    assert not_told.email not in recipients
    mailoutbox.clear()
    assert notify_challenge_audience(challenge.pk, "published") == 0  # a retry sends nothing
    assert mailoutbox == []


def test_publication_sends_in_batches_over_one_connection_each(settings, mailoutbox, monkeypatch):
    monkeypatch.setattr(notices, "BATCH_SIZE", 2)
    challenge = ChallengeFactory(sectors=["water"])
    for _ in range(5):
        sme = VerifiedSMEFactory(city=challenge.city)
        sme.sectors.add(Sector.objects.get(code="water"))
        member_of(sme)
    opened = []
    original = notices.mailers.__class__.default

    def counting(self):
        connection = original.fget(self)
        opened.append(connection)
        return connection

    monkeypatch.setattr(notices.mailers.__class__, "default", property(counting))
    assert notify_challenge_audience(challenge.pk, "published") == 5
    assert len(opened) == 3
    assert len(mailoutbox) == 5


@pytest.fixture
def open_challenge():
    return ChallengeFactory()


def test_sme_asks_official_answers_and_bidders_and_the_asker_hear_without_the_askers_name(
    client, open_challenge, mailoutbox, django_capture_on_commit_callbacks
):
    asker_sme = VerifiedSMEFactory(city=open_challenge.city, legal_name="Asker Ltd")
    asker = member_of(asker_sme)
    drafting = ProposalFactory(challenge=open_challenge)
    submitted = ProposalFactory(challenge=open_challenge)
    withdrawn = ProposalFactory(challenge=open_challenge, status=Proposal.Status.WITHDRAWN)
    drafter, submitter, withdrawer = (member_of(p.sme) for p in (drafting, submitted, withdrawn))
    services.submit_proposal(submitted, by=submitter)
    client.force_login(asker)
    client.post(
        reverse("procurement:question_ask", args=[open_challenge.slug]),
        {"sme": asker_sme.pk, "question": "Can stalls be mobile?"},
    )
    clarification = Clarification.objects.get()
    public = client.get(open_challenge.get_absolute_url()).content.decode()
    assert "Awaiting" in public or "awaiting" in public
    client.force_login(official_of(open_challenge.city))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("procurement:question_answer", args=[open_challenge.slug, clarification.pk]),
            {"answer": "Yes, if they can be anchored."},
        )
    client.logout()
    page = client.get(open_challenge.get_absolute_url()).content.decode()
    assert "Can stalls be mobile?" in page and "anchored" in page
    assert "Asker Ltd" not in page and asker.email not in page
    recipients = {address for message in mailoutbox for address in message.to}
    assert {drafter.email, submitter.email} <= recipients
    assert asker.email in recipients  # told although the asker has no proposal yet
    assert withdrawer.email not in recipients
    assert all("Asker" not in message.body for message in mailoutbox)
    assert "clarification.answered" in [e.action for e in trail(clarification)]


def test_unanswered_questions_are_not_public(client, open_challenge):
    Clarification.objects.create(
        challenge=open_challenge, sme=VerifiedSMEFactory(), question="Hidden question?"
    )
    assert "Hidden question?" not in client.get(open_challenge.get_absolute_url()).content.decode()


def test_questions_close_is_enforced(open_challenge):
    Challenge.objects.filter(pk=open_challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(seconds=1)
    )
    open_challenge.refresh_from_db()
    sme = VerifiedSMEFactory(city=open_challenge.city)
    with pytest.raises(Refused):
        services.ask_question(open_challenge, sme=sme, by=member_of(sme), question="Late?")


def test_only_the_citys_officials_answer(open_challenge):
    sme = VerifiedSMEFactory(city=open_challenge.city)
    clarification = services.ask_question(open_challenge, sme=sme, by=member_of(sme), question="Q?")
    for outsider in (member_of(sme), StaffFactory(), official_of(ChallengeFactory().city)):
        with pytest.raises(Refused):
            services.publish_answer(clarification, by=outsider, answer="No")


def test_cannot_ask_for_an_sme_you_do_not_belong_to(open_challenge):
    sme = VerifiedSMEFactory(city=open_challenge.city)
    with pytest.raises(Refused):
        services.ask_question(open_challenge, sme=sme, by=UserFactory(), question="Q?")


def amendment_post(challenge, *, weights, submissions_close):
    data = {
        "summary": "More time, and cost weighs more.",
        "questions_close": "2031-01-10T12:00",
        "submissions_close": submissions_close,
        "criteria-TOTAL_FORMS": str(len(weights)),
        "criteria-INITIAL_FORMS": str(len(weights)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, weight in enumerate(weights):
        data[f"criteria-{index}-name"] = f"C{index}"
        data[f"criteria-{index}-weight"] = str(weight)
    return data


def test_amendment_is_dated_public_and_notifies_every_bidder(
    client, open_challenge, mailoutbox, django_capture_on_commit_callbacks
):
    bidder = member_of(ProposalFactory(challenge=open_challenge).sme)
    client.force_login(official_of(open_challenge.city))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("procurement:challenge_amend", args=[open_challenge.slug]),
            amendment_post(open_challenge, weights=(50, 50), submissions_close="2031-02-01T12:00"),
        )
    assert response.status_code == 302
    open_challenge.refresh_from_db()
    assert open_challenge.submissions_close == datetime.datetime(
        2031, 2, 1, 5, 0, tzinfo=datetime.UTC
    )  # Bangkok
    assert list(open_challenge.criteria.values_list("weight", flat=True)) == [50, 50]
    amendment = open_challenge.amendments.get()
    assert "criteria" in amendment.changes and "submissions_close" in amendment.changes
    client.logout()
    assert "More time" in client.get(open_challenge.get_absolute_url()).content.decode()
    assert any(bidder.email in m.to for m in mailoutbox)
    assert "challenge.amended" in [e.action for e in trail(open_challenge)]


def test_amendment_refuses_weights_not_adding_to_100(client, open_challenge):
    client.force_login(official_of(open_challenge.city))
    response = client.post(
        reverse("procurement:challenge_amend", args=[open_challenge.slug]),
        amendment_post(open_challenge, weights=(50, 40), submissions_close="2031-02-01T12:00"),
    )
    assert response.status_code == 200
    assert not open_challenge.amendments.exists()


def test_amendment_refused_to_other_users_and_after_the_deadline(client, open_challenge):
    client.force_login(StaffFactory())
    url = reverse("procurement:challenge_amend", args=[open_challenge.slug])
    assert client.get(url).status_code == 404
    with pytest.raises(Refused):
        amend_challenge(open_challenge, by=StaffFactory(), summary="x", submissions_close=None)
    Challenge.objects.filter(pk=open_challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    open_challenge.refresh_from_db()
    with pytest.raises(Refused):
        amend_challenge(
            open_challenge,
            by=official_of(open_challenge.city),
            summary="Extend",
            submissions_close=timezone.now() + datetime.timedelta(days=3),
        )


def test_cancellation_with_reason_tells_every_sme_with_a_proposal(
    client, open_challenge, mailoutbox, django_capture_on_commit_callbacks
):
    bidders = [member_of(ProposalFactory(challenge=open_challenge).sme) for _ in range(2)]
    client.force_login(official_of(open_challenge.city))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("procurement:challenge_cancel", args=[open_challenge.slug]),
            {"reason": "The market is being rebuilt."},
        )
    open_challenge.refresh_from_db()
    assert open_challenge.status == Challenge.Status.CANCELLED
    for bidder in bidders:
        assert any(bidder.email in m.to and "rebuilt" in m.body for m in mailoutbox)


def test_cancel_by_someone_else_is_404(client, open_challenge):
    client.force_login(UserFactory())
    response = client.post(
        reverse("procurement:challenge_cancel", args=[open_challenge.slug]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_an_amendment_of_criteria_only_leaves_a_deadline_with_seconds_untouched(
    client, open_challenge
):
    import re

    Challenge.objects.filter(pk=open_challenge.pk).update(
        submissions_close=open_challenge.submissions_close.replace(second=42, microsecond=5)
    )
    open_challenge.refresh_from_db()
    deadline = open_challenge.submissions_close
    client.force_login(official_of(open_challenge.city))
    url = reverse("procurement:challenge_amend", args=[open_challenge.slug])
    page = client.get(url).content.decode()
    shown = {
        name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
        for name in ("questions_close", "submissions_close")
    }
    data = amendment_post(open_challenge, weights=(50, 50), submissions_close="")
    data.update(shown)
    assert client.post(url, data).status_code == 302
    open_challenge.refresh_from_db()
    assert open_challenge.submissions_close == deadline
    assert set(open_challenge.amendments.get().changes) == {"criteria"}
