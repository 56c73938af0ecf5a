"""Reminders 24 h and 1 h before, and the feedback request after: each sent once, even when
the beat runs twice or two beats run at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from mentorship import services, tasks
from mentorship.models import Registration, SessionNotice
from tests.factories import LearningSessionFactory, RegistrationFactory, an_official

pytestmark = pytest.mark.django_db


def _registered(session, **kwargs):
    registration = RegistrationFactory(session=session, user=an_official(), **kwargs)
    # Registered well ahead, as most people are.
    Registration.objects.filter(pk=registration.pk).update(
        created_at=session.starts_at - timedelta(days=3)
    )
    return registration


def test_the_day_before_reminder_is_sent_once_when_the_beat_runs_twice(
    mailoutbox, sent_after_commit
):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=21)
    )
    registration = _registered(session)

    with sent_after_commit():
        sent = services.send_session_notices(now=now)

    assert sent == 1
    with sent_after_commit():
        sent = services.send_session_notices(now=now)
    assert sent == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [registration.user.email]
    assert "Tomorrow" in mailoutbox[0].subject


def test_the_hour_before_reminder_follows_the_day_before_one(mailoutbox, sent_after_commit):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=21)
    )
    _registered(session)

    with sent_after_commit():
        services.send_session_notices(now=now)
    with sent_after_commit():
        services.send_session_notices(now=session.starts_at - timedelta(minutes=50))
    with sent_after_commit():
        services.send_session_notices(now=session.starts_at - timedelta(minutes=45))

    assert [("hour" in m.subject) for m in mailoutbox] == [False, True]
    assert session.online_link in mailoutbox[1].body


def test_no_reminder_is_sent_too_early_or_to_a_cancelled_registration(
    mailoutbox, sent_after_commit
):
    now = timezone.now()
    later = LearningSessionFactory(
        starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1)
    )
    soon = LearningSessionFactory(
        starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=1)
    )
    _registered(later)
    _registered(soon, status=Registration.Status.CANCELLED)

    with sent_after_commit():
        sent = services.send_session_notices(now=now)

    assert sent == 0
    assert mailoutbox == []


def test_someone_registering_within_the_last_day_gets_only_the_hour_before_reminder(
    mailoutbox, sent_after_commit
):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6)
    )
    RegistrationFactory(session=session, user=an_official())

    with sent_after_commit():
        sent = services.send_session_notices(now=now)

    assert sent == 0
    with sent_after_commit():
        sent = services.send_session_notices(now=now + timedelta(hours=4, minutes=30))
    assert sent == 1


def test_attendees_are_asked_for_feedback_once_and_absentees_not(mailoutbox, sent_after_commit):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2)
    )
    present = _registered(session, attended=True)
    _registered(session, attended=False)

    with sent_after_commit():
        services.send_session_notices(now=now)
    with sent_after_commit():
        services.send_session_notices(now=now)

    assert [m.to for m in mailoutbox] == [[present.user.email]]
    assert "How was" in mailoutbox[0].subject


def test_the_beat_task_sends_through_the_service(mailoutbox, sent_after_commit):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2)
    )
    _registered(session)

    with sent_after_commit():
        sent = tasks.send_session_notices()

    assert sent == 1
    with sent_after_commit():
        sent = tasks.send_session_notices()
    assert sent == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections")
def test_two_beats_running_at_the_same_moment_send_each_reminder_once(mailoutbox):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2)
    )
    for _ in range(3):
        _registered(session)
    barrier = threading.Barrier(2)
    counts = []

    def beat():
        try:
            barrier.wait()
            counts.append(services.send_session_notices(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 3
    assert len(mailoutbox) == 3
    assert SessionNotice.objects.filter(sent_at__isnull=False).count() == 3


def test_a_new_time_tells_registered_people_and_re_arms_their_reminders(
    staff, mailoutbox, sent_after_commit
):
    now = timezone.now()
    session = LearningSessionFactory(
        starts_at=now + timedelta(minutes=40), ends_at=now + timedelta(hours=2)
    )
    _registered(session)
    with sent_after_commit():
        services.send_session_notices(now=now)
    later = now + timedelta(days=2)

    with sent_after_commit():
        services.update_session(
            session, by=staff, starts_at=later, ends_at=later + timedelta(hours=1)
        )
    assert "Changed" in mailoutbox[-1].subject
    assert mailoutbox[-1].attachments[0][0] == "session.ics"
    with sent_after_commit():
        sent = services.send_session_notices(now=later - timedelta(minutes=30))

    assert sent == 1
    assert "hour" in mailoutbox[-1].subject


def test_a_new_title_alone_tells_nobody(staff, mailoutbox, sent_after_commit):
    session = LearningSessionFactory()
    _registered(session)

    with sent_after_commit():
        services.update_session(session, by=staff, title="A better title")

    assert mailoutbox == []
