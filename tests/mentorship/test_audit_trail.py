"""Every state change of peer learning and mentoring is in the audit trail, with its actor."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from mentorship import services
from resilience_portal.models import AuditEntry
from tests.factories import (
    CohortFactory,
    LearningSessionFactory,
    MenteeProfileFactory,
    MentorProfileFactory,
    RegistrationFactory,
    an_official,
)

pytestmark = pytest.mark.django_db


def actions_by(user):
    return set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))


def test_session_acts_are_audited(staff):
    now = timezone.now()
    session = services.schedule_session(
        by=staff,
        cohort=CohortFactory(status="running"),
        title="Audited",
        topic="pilots",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        venue="Town hall",
        capacity=1,
    )
    person, waiting = an_official(), an_official()
    registration = services.register_for_session(session, person)
    services.register_for_session(session, waiting)
    services.cancel_registration(registration, by=person)
    services.update_session(session, by=staff, capacity=3)
    past = LearningSessionFactory(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1)
    )
    attended = RegistrationFactory(session=past, user=person)
    services.mark_attendance(attended, attended=True, by=staff)
    services.give_feedback(attended, rating=4, comment="", by=person)
    services.cancel_session(session, by=staff)

    assert {
        "session.scheduled",
        "session.updated",
        "session.attendance",
        "session.cancelled",
    } <= actions_by(staff)
    assert {
        "session.registered",
        "session.registration_cancelled",
        "session.feedback",
    } <= actions_by(person)
    assert "session.waitlisted" in actions_by(waiting)
    assert AuditEntry.objects.filter(action="session.promoted").exists()


def test_mentoring_and_matching_acts_are_audited(staff):
    mentor = MentorProfileFactory(capacity=3)
    mentee = an_official()
    mentorship = services.request_mentorship(mentor, mentee=mentee, by=mentee)
    services.accept_mentorship(mentorship, by=mentor.user)
    meeting = services.log_meeting(
        mentorship, held_on=date(2026, 12, 1), notes="", action_items=["One"], by=mentee
    )
    services.tick_action_item(meeting.action_items.get(), by=mentor.user)
    services.complete_mentorship(mentorship, reflection="Good.", by=mentee)
    matching_round = services.open_matching_round(CohortFactory(), name="R", by=staff)
    MenteeProfileFactory(user=mentee)
    services.join_round(matching_round, mentee, as_mentor=False)
    services.join_round(matching_round, mentor.user, as_mentor=True)
    services.run_matcher(matching_round, by=staff)
    services.confirm_round(matching_round, by=staff)

    assert {
        "mentorship.requested",
        "mentorship.meeting_logged",
        "mentorship.completed",
        "round.joined",
    } <= actions_by(mentee)
    assert {"mentorship.accepted", "mentorship.action_ticked"} <= actions_by(mentor.user)
    assert {"round.opened", "round.matched", "round.confirmed"} <= actions_by(staff)


def test_the_dashboard_shows_the_next_session_with_its_link_to_a_registered_person(client):
    person = an_official()
    soon = RegistrationFactory(
        user=person,
        session=LearningSessionFactory(
            title="Soonest", starts_at=timezone.now() + timedelta(days=1)
        ),
    )
    RegistrationFactory(user=person, session=LearningSessionFactory(title="Later"))
    client.force_login(person)

    page = client.get("/dashboard/").content.decode()

    assert "Soonest" in page and soon.session.online_link in page
    assert page.count('id="learning-title"') == 1
