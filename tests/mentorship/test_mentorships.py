"""One-to-one mentoring: suggestions with reasons, a request accepted within capacity, the
meeting log with action items seen only by the pair and staff, and completion."""

from datetime import date

import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import ActionItem, Mentorship
from resilience_portal.models import AuditEntry
from resilience_portal.permissions import Role, has_role
from resilience_portal.refusals import Refused
from tests.factories import (
    MenteeProfileFactory,
    MentorProfileFactory,
    MentorshipFactory,
    UserFactory,
    an_official,
    an_sme_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(db):
    mentorship = MentorshipFactory(mentee=an_official())
    services.accept_mentorship(mentorship, by=mentorship.mentor.user)
    return mentorship


def test_a_mentor_profile_gives_the_mentor_role(user):
    assert not has_role(user, Role.MENTOR)
    MentorProfileFactory(user=user)
    user = type(user).objects.get(pk=user.pk)

    assert has_role(user, Role.MENTOR)


def test_an_official_offers_to_mentor_but_someone_with_no_role_needs_an_invitation(staff):
    services.offer_to_mentor(an_official(), by=staff, capacity=2)
    outsider = UserFactory()
    with pytest.raises(Refused):
        services.offer_to_mentor(outsider, by=outsider, capacity=2)

    services.invite_mentor(outsider, by=staff)
    assert services.offer_to_mentor(outsider, by=outsider, capacity=3).capacity == 3


def test_suggestions_rank_expertise_and_language_first_and_say_why():
    mentee = an_official(user__time_zone="Asia/Bangkok")
    MenteeProfileFactory(user=mentee, needs=["climate_finance"], languages=["th"])
    best = MentorProfileFactory(expertise=["climate_finance"], languages=["th", "en"])
    other = MentorProfileFactory(expertise=["pilots"], languages=["en"], time_zone="Asia/Kolkata")

    ranked = services.suggested_mentors(mentee)

    assert [mentor for mentor, _fit in ranked] == [best, other]
    reasons = " ".join(ranked[0][1].reasons)
    assert "Climate finance" in reasons and "Thai" in reasons and "time zone" in reasons
    assert "Shares none of your preferred languages." in ranked[1][1].reasons


def test_a_full_mentor_is_not_suggested():
    mentee = an_official()
    full = MentorProfileFactory(capacity=1)
    services.accept_mentorship(MentorshipFactory(mentor=full, mentee=an_official()), by=full.user)

    assert full not in [mentor for mentor, _fit in services.suggested_mentors(mentee)]


def test_an_sme_member_requests_a_mentor_who_accepts(client, mailoutbox, sent_after_commit):
    mentor = MentorProfileFactory()
    mentee = an_sme_member()
    client.force_login(mentee)
    with sent_after_commit():
        client.post(
            reverse("mentorship:request_mentor", args=[mentor.pk]), {"goals": "Win a first tender."}
        )
    mentorship = Mentorship.objects.get()
    assert mailoutbox[-1].to == [mentor.user.email]

    client.force_login(mentor.user)
    with sent_after_commit():
        client.post(reverse("mentorship:accept", args=[mentorship.pk]))

    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mailoutbox[-1].to == [mentee.email]
    assert AuditEntry.objects.filter(action="mentorship.accepted").exists()


def test_someone_with_no_role_cannot_ask_for_a_mentor(user):
    with pytest.raises(Refused, match="officials and SME members"):
        services.request_mentorship(MentorProfileFactory(), mentee=user, by=user)


def test_asking_the_same_mentor_twice_is_refused():
    mentor, mentee = MentorProfileFactory(), an_official()
    services.request_mentorship(mentor, mentee=mentee, by=mentee)

    with pytest.raises(Refused, match="already"):
        services.request_mentorship(mentor, mentee=mentee, by=mentee)


def test_only_the_mentor_accepts_a_request():
    mentorship = MentorshipFactory(mentee=an_official())

    with pytest.raises(Refused):
        services.accept_mentorship(mentorship, by=mentorship.mentee)
    services.accept_mentorship(mentorship, by=mentorship.mentor.user)


def test_a_mentor_at_capacity_cannot_accept_another_mentee():
    mentor = MentorProfileFactory(capacity=1)
    first, second = (MentorshipFactory(mentor=mentor, mentee=an_official()) for _ in range(2))
    services.accept_mentorship(first, by=mentor.user)

    with pytest.raises(Refused, match="capacity"):
        services.accept_mentorship(second, by=mentor.user)
    second.refresh_from_db()
    assert second.status == Mentorship.Status.PROPOSED


def test_a_mentor_declines_and_the_mentee_is_told(mailoutbox, sent_after_commit):
    mentorship = MentorshipFactory(mentee=an_official())

    with sent_after_commit():
        services.decline(mentorship, by=mentorship.mentor.user)

    assert mentorship.status == Mentorship.Status.DECLINED
    assert mailoutbox[-1].to == [mentorship.mentee.email]


def test_the_pair_logs_a_meeting_with_action_items_and_ticks_one_off(client, active):
    client.force_login(active.mentee)
    client.post(
        reverse("mentorship:log_meeting", args=[active.pk]),
        {
            "held_on": "2026-12-01",
            "notes": "Talked about **outcomes**.",
            "action_items": "Draft the outcomes\nCall the SME association",
        },
    )
    item = ActionItem.objects.get(text="Draft the outcomes")

    client.force_login(active.mentor.user)
    client.post(reverse("mentorship:tick", args=[active.pk, item.pk]), {"done": "yes"})

    item.refresh_from_db()
    assert item.is_done and item.done_by == active.mentor.user
    page = client.get(active.get_absolute_url()).content.decode()
    assert "<strong>outcomes</strong>" in page


def test_meeting_notes_and_action_items_are_404_for_anyone_outside_the_pair(client, active, staff):
    meeting = services.log_meeting(
        active,
        held_on=date(2026, 12, 1),
        notes="Private notes",
        action_items=["Secret step"],
        by=active.mentee,
    )
    item = meeting.action_items.get()
    for outsider in (an_official(), MentorProfileFactory().user):
        client.force_login(outsider)
        assert client.get(active.get_absolute_url()).status_code == 404
        assert client.post(reverse("mentorship:tick", args=[active.pk, item.pk])).status_code == 404
        assert (
            client.post(
                reverse("mentorship:log_meeting", args=[active.pk]), {"held_on": "2026-12-02"}
            ).status_code
            == 404
        )
    client.force_login(staff)
    assert "Private notes" in client.get(active.get_absolute_url()).content.decode()
    item.refresh_from_db()
    assert not item.is_done


def test_meetings_cannot_be_logged_before_the_mentor_accepts():
    mentorship = MentorshipFactory(mentee=an_official())

    with pytest.raises(Refused):
        services.log_meeting(mentorship, held_on=date(2026, 12, 1), notes="", by=mentorship.mentee)


def test_either_of_the_pair_completes_with_a_reflection_but_nobody_else(active):
    with pytest.raises(Refused):
        services.complete_mentorship(active, reflection="Not mine", by=an_official())

    services.complete_mentorship(
        active, reflection="We wrote our first outcome spec.", by=active.mentee
    )

    active.refresh_from_db()
    assert active.status == Mentorship.Status.COMPLETED
    assert active.reflection == "We wrote our first outcome spec."


def test_a_completed_mentorship_frees_the_mentors_place():
    mentor = MentorProfileFactory(capacity=1)
    first, second = (MentorshipFactory(mentor=mentor, mentee=an_official()) for _ in range(2))
    services.accept_mentorship(first, by=mentor.user)
    services.complete_mentorship(first, reflection="Done.", by=mentor.user)

    services.accept_mentorship(second, by=mentor.user)

    assert second.status == Mentorship.Status.ACTIVE


def test_the_dashboard_shows_a_mentor_their_pending_requests_and_open_action_items(client, active):
    services.log_meeting(
        active,
        held_on=date(2026, 12, 1),
        notes="",
        action_items=["Send the draft"],
        by=active.mentee,
    )
    waiting = MentorshipFactory(
        mentor=active.mentor, mentee=an_official(user__full_name="Ana Waiting")
    )
    client.force_login(active.mentor.user)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Ana Waiting" in page and waiting.get_absolute_url() in page
    assert "Send the draft" in page
