"""Every kind of e-mail reaches its reader in the reader's language, whatever language the
person whose act caused it was using: here the actor browses in Bahasa Indonesia and the
reader's account (or subscription) is in Thai.

Each message is checked three ways that hold before and after the translation pass: it
says ``Content-Language: th``; its subject is the Thai catalogue's form of the subject
template's own string (trimmed, one line); and its plain text carries Thai's "Resilience
Portal" signature, never Indonesian's, with nothing HTML-escaped.
"""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation.template import templatize

from casestudies import newsletter_services
from cohorts import notices as cohort_notices
from cohorts.models import CityInvitation, CityMembership
from mentorship.services import mentoring, telling
from procurement import evaluation_services, notices, pilot_services
from procurement import services as procurement_services
from procurement.models import (
    Amendment,
    Clarification,
    Proposal,
    ProposalVersion,
    StandstillQuestion,
)
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
from smes import services as sme_services
from smes.models import SME
from tests.factories import (
    ChallengeFactory,
    CityFactory,
    ClosedChallengeFactory,
    LearningSessionFactory,
    MentorProfileFactory,
    MilestoneFactory,
    PanelSeatFactory,
    ProposalFactory,
    SMEFactory,
    SubmittedApplicationFactory,
    SubmittedProposalFactory,
    SubscriberFactory,
    UserFactory,
    award_for,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db

READER, ACTOR = "th", "id"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
KINDS = sorted(path.name.removesuffix("_subject.txt") for path in TEMPLATES.glob("*_subject.txt"))
ESCAPES = re.compile(r"&(#x?[0-9a-f]+|amp|quot|lt|gt|apos);", re.IGNORECASE)
# Titles and names with the characters that HTML-escaping would spoil in plain text.
TITLE = "Market's flood & heat plan"


def _subject_strings(kind):
    """The strings the subject template translates (several where it chooses one)."""
    source = templatize((TEMPLATES / f"{kind}_subject.txt").read_text())
    return [
        ast.literal_eval(quoted) for quoted in re.findall(r"gettext\((u'.*?'|u\".*?\")\)", source)
    ]


def _as_pattern(text):
    # A value may be empty, and the subject is trimmed: the spaces around one are optional.
    return ".*".join(re.escape(part.strip()) for part in re.split(r"%\(\w+\)s", text))


def _subject_pattern(kind, language):
    with translation.override(language):
        forms = [translation.gettext(text) for text in _subject_strings(kind)]
    return "|".join(f"(?:{_as_pattern(form)})" for form in forms)


def _signature(language):
    with translation.override(language):
        return translation.gettext("Resilience Portal")


def assert_in_readers_language(message, kind):
    assert message.extra_headers.get("Content-Language") == READER, kind
    subject = message.subject
    assert subject == " ".join(subject.split()), f"{kind}: subject not trimmed: {subject!r}"
    if _subject_strings(kind):
        assert re.fullmatch(_subject_pattern(kind, READER), subject), (kind, subject)
        if _subject_pattern(kind, ACTOR) != _subject_pattern(kind, READER):
            assert not re.fullmatch(_subject_pattern(kind, ACTOR), subject), (kind, subject)
    if "Resilience Portal" in (TEMPLATES / f"{kind}_body.txt").read_text():
        assert _signature(READER) in message.body, kind
        assert _signature(ACTOR) not in message.body, kind
    assert not ESCAPES.search(message.body), f"{kind}: HTML escapes in plain text"


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run an act as a visitor browsing in the actor's language; the messages it sent."""

    def act(function, *args, **kwargs):
        start = len(mailoutbox)
        with translation.override(ACTOR), django_capture_on_commit_callbacks(execute=True):
            function(*args, **kwargs)
        return mailoutbox[start:]

    return act


@pytest.fixture
def reader():
    return UserFactory(language=READER, full_name="Somchai O'Neill")


@pytest.fixture
def actor():
    return UserFactory(language=ACTOR)


def check(messages, kind, *, to):
    ours = [message for message in messages if to in message.to]
    assert ours, f"{kind}: nothing was sent to {to}"
    for message in ours:
        assert_in_readers_language(message, kind)


# --- cohorts -----------------------------------------------------------------------------


def test_cohort_e_mails_are_in_each_officials_language(sent, reader, actor):
    city = CityFactory(name="Chiang Mai")
    CityMembership.objects.create(
        city=city, user=reader, role=CityMembership.Role.LEAD, status=CityMembership.Status.VERIFIED
    )
    application = SubmittedApplicationFactory(city=city)
    membership = CityMembership.objects.get(user=reader)

    for kind in ("cohorts_submitted", "cohorts_result"):
        check(sent(cohort_notices.tell_officials, application, kind), kind, to=reader.email)
    for kind in ("cohorts_official_verified", "cohorts_official_rejected"):
        check(sent(cohort_notices.tell_requester, membership, kind), kind, to=reader.email)
    invitation = CityInvitation.objects.create(city=city, email=reader.email, invited_by=actor)
    check(
        sent(cohort_notices.send_invitation, invitation, inviter=actor),
        "cohorts_invitation",
        to=reader.email,
    )


def test_staff_read_a_request_to_represent_a_city_in_their_own_language(sent, reader):
    reader.is_staff = True
    reader.save()
    reader.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    membership = CityMembership.objects.create(
        city=CityFactory(name="Chiang Mai"),
        user=UserFactory(language=ACTOR),
        status=CityMembership.Status.PENDING,
        position="Head of disaster risk reduction",
    )

    check(
        sent(cohort_notices.tell_staff_city_requested, membership),
        "cohorts_official_requested",
        to=reader.email,
    )


def test_an_invitation_to_a_newcomer_is_in_the_inviters_account_language(sent, mailoutbox):
    inviter = UserFactory(language=READER)  # the account's language, not the page's
    city = CityFactory()
    invitation = CityInvitation.objects.create(
        city=city, email="newcomer@example.org", invited_by=inviter
    )

    (message,) = sent(cohort_notices.send_invitation, invitation, inviter=inviter)

    assert_in_readers_language(message, "cohorts_invitation")


# --- SMEs --------------------------------------------------------------------------------


def test_sme_e_mails_are_in_each_members_language(sent, reader, actor):
    sme = SMEFactory(legal_name="O'Hara & Sons Co.")
    invitee = UserFactory(language=READER)

    messages = sent(sme_services.invite_member, sme, invitee.email.upper(), by=actor)
    check(messages, "sme_invitation", to=invitee.email.upper())

    member_of(sme, user=reader)

    SME.objects.filter(pk=sme.pk).update(verification=SME.Verification.VERIFIED)
    sme.refresh_from_db()
    check(sent(sme_services.tell_members_of_decision, sme), "sme_verified", to=reader.email)
    SME.objects.filter(pk=sme.pk).update(verification=SME.Verification.REJECTED)
    sme.refresh_from_db()
    check(sent(sme_services.tell_members_of_decision, sme), "sme_rejected", to=reader.email)


# --- challenges and proposals ------------------------------------------------------------


def test_staff_read_a_challenge_awaiting_approval_in_their_own_language(sent, reader):
    reader.is_staff = True
    reader.save()
    reader.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    english = UserFactory(language="en", is_staff=True)
    english.groups.add(Group.objects.get(name=PROGRAMME_STAFF_GROUP))
    challenge = ChallengeFactory(title=TITLE)

    messages = sent(procurement_services.tell_staff_challenge_pending, challenge)

    check(messages, "challenge_pending", to=reader.email)
    (for_english,) = [message for message in messages if english.email in message.to]
    assert for_english.extra_headers["Content-Language"] == "en"
    assert for_english.subject == f"Challenge waiting for approval: {TITLE}"


def test_officials_read_challenge_news_in_their_own_language(sent, reader):
    challenge = ChallengeFactory(title=TITLE)
    CityMembership.objects.create(
        city=challenge.city, user=reader, status=CityMembership.Status.VERIFIED
    )
    check(
        sent(procurement_services.tell_officials_sent_back, challenge),
        "challenge_sent_back",
        to=reader.email,
    )
    clarification = Clarification.objects.create(
        challenge=challenge, sme=SMEFactory(), question="What's the market's size?"
    )
    check(
        sent(procurement_services.tell_officials_question_asked, clarification),
        "challenge_question_asked",
        to=reader.email,
    )


def test_challenge_notices_reach_each_bidder_in_their_own_language(sent, reader):
    challenge = ChallengeFactory(title=TITLE)
    proposal = ProposalFactory(challenge=challenge)
    member_of(proposal.sme, user=reader)
    proposal.sme.sectors.set(challenge.sectors.all())
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.SUBMITTED)
    clarification = Clarification.objects.create(
        challenge=challenge,
        sme=proposal.sme,
        question="Does the market's roof count?",
        answer="Yes, and the hawkers' stalls too.",
        answered_at=timezone.now(),
    )
    amendment = Amendment.objects.create(
        challenge=challenge, summary="The deadline moves by a week.", changes_terms=True
    )

    for notice, subject in [
        (notices.PUBLISHED, None),
        (notices.ANSWERED, clarification),
        (notices.AMENDED_CONFIRM, amendment),
        (notices.CANCELLED, None),
    ]:
        object_id = None if subject is None else subject.pk
        check(
            sent(notices.send, challenge, notice, object_id=object_id),
            notice.template,
            to=reader.email,
        )
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DRAFT)
    check(
        sent(notices.send, challenge, notices.AMENDED, object_id=amendment.pk),
        notices.AMENDED.template,
        to=reader.email,
    )


def test_proposal_receipts_and_withdrawals_are_in_each_members_language(sent, reader, actor):
    proposal = SubmittedProposalFactory(challenge=ChallengeFactory(title=TITLE))
    member_of(proposal.sme, user=reader)
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        submitted_at=timezone.now(),
        submitted_by=actor,
        content={"attachments": []},
        digest="0" * 64,
    )

    check(sent(procurement_services.send_receipt, version), "proposal_receipt", to=reader.email)
    check(
        sent(procurement_services.send_withdrawal_notice, proposal),
        "proposal_withdrawn",
        to=reader.email,
    )


# --- evaluation and pilots ---------------------------------------------------------------


@pytest.fixture
def closed_challenge():
    return ClosedChallengeFactory(title=TITLE)


def test_evaluators_read_panel_e_mails_in_their_own_language(sent, reader, closed_challenge):
    lead = official_of(closed_challenge.city, user=UserFactory(language=ACTOR))
    CityMembership.objects.create(
        city=closed_challenge.city, user=reader, status=CityMembership.Status.VERIFIED
    )
    SubmittedProposalFactory(challenge=closed_challenge)

    check(
        sent(evaluation_services.appoint_official, closed_challenge, reader, by=lead),
        "evaluation_appointed",
        to=reader.email,
    )
    expert = UserFactory(language=READER)
    check(
        sent(evaluation_services.invite_expert, closed_challenge, expert.email, by=lead),
        "evaluation_invitation",
        to=expert.email,
    )
    seat = closed_challenge.panel_seats.get(user=reader)
    answers = {sme.pk: (False, "") for sme in evaluation_services.bidders(closed_challenge)}
    check(
        sent(evaluation_services.declare_conflicts, seat, answers, by=reader),
        "evaluation_scoring_open",
        to=reader.email,
    )


def test_bidders_read_the_award_and_the_debrief_in_their_own_language(sent, closed_challenge):
    winner = SubmittedProposalFactory(challenge=closed_challenge)
    loser = SubmittedProposalFactory(challenge=closed_challenge)
    winning_reader = member_of(winner.sme, user=UserFactory(language=READER))
    losing_reader = member_of(loser.sme, user=UserFactory(language=READER))
    award = award_for(closed_challenge, proposal=winner)

    messages = sent(evaluation_services._tell_bidders_of_award, award)

    check(messages, "evaluation_award", to=winning_reader.email)
    check(messages, "evaluation_debrief", to=losing_reader.email)


def test_the_standstill_question_and_answer_are_in_each_readers_language(sent, closed_challenge):
    winner = SubmittedProposalFactory(challenge=closed_challenge)
    loser = SubmittedProposalFactory(challenge=closed_challenge)
    award_for(closed_challenge, proposal=winner, final=False)
    Proposal.objects.filter(pk=loser.pk).update(status=Proposal.Status.UNSUCCESSFUL)
    chair = PanelSeatFactory(
        challenge=closed_challenge, is_chair=True, user=UserFactory(language=READER)
    ).user
    asker = member_of(loser.sme, user=UserFactory(language=READER))

    messages = sent(
        evaluation_services.ask_standstill_question,
        loser,
        by=asker,
        question="Why wasn't the market's bid chosen?",
    )
    check(messages, "evaluation_standstill_question", to=chair.email)
    question = StandstillQuestion.objects.get(proposal=loser)
    check(
        sent(
            evaluation_services.answer_standstill_question,
            question,
            by=chair,
            answer="The winner's plan reached more stalls.",
        ),
        "evaluation_standstill_answer",
        to=asker.email,
    )


def test_officials_read_a_late_milestone_in_their_own_language(sent):
    milestone = MilestoneFactory(due_on=(timezone.now() - timedelta(days=3)).date())
    official = official_of(milestone.pilot.challenge.city, user=UserFactory(language=READER))

    check(sent(pilot_services.flag_late_milestones), "pilot_milestone_late", to=official.email)


# --- mentorship --------------------------------------------------------------------------

MENTORSHIP_KINDS = [kind for kind in KINDS if kind.startswith("mentorship_")]


@pytest.mark.parametrize("kind", MENTORSHIP_KINDS)
def test_every_mentorship_e_mail_is_told_in_the_readers_language(sent, reader, kind):
    # Every mentorship e-mail goes through telling.tell(template, user, context).
    session = LearningSessionFactory(title=TITLE)
    context = {
        **telling.session_context(session, reader),
        "name": "Dewi O'Brien",
        "title": TITLE,
        "reminder": "tomorrow",
    }

    check(sent(telling.tell, kind, reader, context), kind, to=reader.email)


def test_a_mentoring_request_reaches_the_mentor_in_the_mentors_language(sent, reader, actor):
    mentor = MentorProfileFactory(user=reader)
    mentee = official_of(CityFactory(), user=UserFactory(language=ACTOR))

    check(
        sent(mentoring.request_mentorship, mentor, mentee=mentee, by=mentee),
        "mentorship_requested",
        to=reader.email,
    )


# --- newsletter --------------------------------------------------------------------------


def test_newsletter_e_mails_are_in_the_subscribers_language(sent):
    messages = sent(
        newsletter_services.subscribe,
        email="dao@example.org",
        name="Dao O'Neill",
        language=READER,  # the language chosen on the form, not the page's
        topics=[],
        consent_text="Yes",
    )
    check(messages, "newsletter_confirm", to="dao@example.org")

    subscriber = SubscriberFactory(language=READER)
    messages = sent(
        newsletter_services.subscribe,
        email=subscriber.email,
        name="Someone",
        language=ACTOR,
        topics=[],
        consent_text="Yes",
    )
    check(messages, "newsletter_already", to=subscriber.email)


# --- accounts ----------------------------------------------------------------------------


def _account_mail(client, url, data, capture, mailoutbox):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ACTOR
    with capture(execute=True):
        client.post(url, data)
    (message,) = mailoutbox
    return message


def assert_account_mail_in_readers_language(message, subject_msgid):
    assert message.extra_headers["Content-Language"] == READER
    assert message.subject == " ".join(message.subject.split())
    with translation.override(READER):
        assert message.subject == (
            f"[{translation.gettext('Resilience Portal')}] {translation.gettext(subject_msgid)}"
        )
    assert _signature(READER) in message.body
    assert _signature(ACTOR) not in message.body


def test_a_password_reset_asked_from_an_indonesian_page_is_in_the_accounts_language(
    client, reader, mailoutbox, django_capture_on_commit_callbacks
):
    message = _account_mail(
        client,
        reverse("account_reset_password"),
        {"email": reader.email},
        django_capture_on_commit_callbacks,
        mailoutbox,
    )

    assert_account_mail_in_readers_language(message, "Password Reset Email")


def test_signing_up_with_a_taken_address_tells_its_holder_in_the_accounts_language(
    client, reader, password, mailoutbox, django_capture_on_commit_callbacks
):
    message = _account_mail(
        client,
        reverse("account_signup"),
        {"email": reader.email, "password1": password, "password2": password},
        django_capture_on_commit_callbacks,
        mailoutbox,
    )

    assert_account_mail_in_readers_language(message, "Account Already Exists")


# --- every kind ---------------------------------------------------------------------------


# The kinds the tests above send; a new e-mail template needs a test here too.
# "newsletter_issue" is rendered per subscriber language and checked in
# tests/casestudies/test_newsletter_sending.py; "notice" is the core's generic template.
CHECKED_ABOVE = {
    "cohorts_submitted",
    "cohorts_result",
    "cohorts_official_verified",
    "cohorts_official_rejected",
    "cohorts_official_requested",
    "cohorts_invitation",
    "sme_invitation",
    "sme_verified",
    "sme_rejected",
    "challenge_pending",
    "challenge_sent_back",
    "challenge_question_asked",
    "challenge_published",
    "challenge_question_answered",
    "challenge_amended",
    "challenge_amended_confirm",
    "challenge_cancelled",
    "proposal_receipt",
    "proposal_withdrawn",
    "evaluation_appointed",
    "evaluation_invitation",
    "evaluation_scoring_open",
    "evaluation_award",
    "evaluation_debrief",
    "evaluation_standstill_question",
    "evaluation_standstill_answer",
    "pilot_milestone_late",
    *MENTORSHIP_KINDS,
    "newsletter_confirm",
    "newsletter_already",
    "newsletter_issue",
    "notice",
}


def test_every_kind_of_e_mail_has_a_language_test():
    assert set(KINDS) - CHECKED_ABOVE == set()
