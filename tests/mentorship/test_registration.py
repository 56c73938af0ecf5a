"""Registering for a session: a seat, the waitlist, and the refusals beside their allowed twins."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship import services
from mentorship.models import LearningSession, Registration
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import LearningSessionFactory, an_official, an_sme_member

pytestmark = pytest.mark.django_db


def test_an_official_registers_for_an_upcoming_session_and_is_audited():
    session = LearningSessionFactory()
    official = an_official()

    registration = services.register_for_session(session, official)

    assert registration.status == Registration.Status.CONFIRMED
    assert AuditEntry.objects.filter(action="session.registered", actor=official).exists()


def test_nobody_registers_for_a_session_that_has_started():
    session = LearningSessionFactory(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(minutes=55),
    )

    with pytest.raises(Refused, match="already started"):
        services.register_for_session(session, an_official())
    assert not session.registrations.exists()


def test_nobody_registers_for_a_past_session():
    session = LearningSessionFactory(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )

    with pytest.raises(Refused):
        services.register_for_session(session, an_official())


def test_nobody_registers_for_a_cancelled_session(staff):
    session = LearningSessionFactory()
    services.cancel_session(session, by=staff)

    with pytest.raises(Refused, match="cancelled"):
        services.register_for_session(session, an_official())


def test_an_sme_member_cannot_register_for_an_officials_only_session():
    session = LearningSessionFactory(audience=LearningSession.Audience.OFFICIALS)

    with pytest.raises(Refused, match="meant for"):
        services.register_for_session(session, an_sme_member())
    assert services.register_for_session(session, an_official()).is_confirmed


def test_an_official_cannot_register_for_an_smes_only_session():
    session = LearningSessionFactory(audience=LearningSession.Audience.SMES)

    with pytest.raises(Refused, match="meant for"):
        services.register_for_session(session, an_official())
    assert services.register_for_session(session, an_sme_member()).is_confirmed


def test_someone_with_no_role_cannot_register(user):
    with pytest.raises(Refused, match="meant for"):
        services.register_for_session(LearningSessionFactory(), user)


def test_registering_twice_is_refused_but_registering_again_after_cancelling_is_allowed():
    session = LearningSessionFactory()
    official = an_official()
    first = services.register_for_session(session, official)

    with pytest.raises(Refused, match="already registered"):
        services.register_for_session(session, official)
    services.cancel_registration(first, by=official)
    assert services.register_for_session(session, official).is_confirmed


def test_a_full_session_puts_the_next_person_on_the_waitlist(mailoutbox, sent_after_commit):
    session = LearningSessionFactory(capacity=1)
    services.register_for_session(session, an_official())

    with sent_after_commit():
        waiting = services.register_for_session(session, an_official())

    assert waiting.status == Registration.Status.WAITLISTED
    assert "waitlist" in mailoutbox[-1].subject


def test_a_cancellation_promotes_the_first_waitlisted_person_and_tells_them(
    mailoutbox, sent_after_commit
):
    session = LearningSessionFactory(capacity=1)
    holder = an_official()
    seat = services.register_for_session(session, holder)
    first, second = an_official(), an_official()
    first_wait = services.register_for_session(session, first)
    services.register_for_session(session, second)
    mailoutbox.clear()

    with sent_after_commit():
        services.cancel_registration(seat, by=holder)

    first_wait.refresh_from_db()
    assert first_wait.status == Registration.Status.CONFIRMED
    assert session.registrations.waitlisted().get().user == second
    assert [m.to for m in mailoutbox] == [[first.email]]
    assert AuditEntry.objects.filter(action="session.promoted").count() == 1


def test_leaving_the_waitlist_promotes_nobody():
    session = LearningSessionFactory(capacity=1)
    services.register_for_session(session, an_official())
    waiter = an_official()
    waiting = services.register_for_session(session, waiter)

    services.cancel_registration(waiting, by=waiter)

    assert session.registrations.confirmed().count() == 1
    assert not AuditEntry.objects.filter(action="session.promoted").exists()


def test_someone_else_cannot_cancel_a_registration_but_staff_can(staff):
    session = LearningSessionFactory()
    registration = services.register_for_session(session, an_official())

    with pytest.raises(Refused):
        services.cancel_registration(registration, by=an_official())
    services.cancel_registration(registration, by=staff)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_the_confirmation_shows_the_persons_time_zone_and_carries_a_calendar_file(
    mailoutbox, sent_after_commit
):
    session = LearningSessionFactory(title="Outcome specs")
    official = an_official(user__language="th", user__time_zone="Asia/Bangkok")

    with sent_after_commit():
        services.register_for_session(session, official)

    message = mailoutbox[-1]
    assert message.to == [official.email]
    assert "(Asia/Bangkok)" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("session.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == "Outcome specs"
    assert event.decoded("dtstart") == session.starts_at
    assert session.online_link in str(event["description"])


def test_registering_through_the_page_and_seeing_the_online_link(client):
    session = LearningSessionFactory()
    official = an_official()
    client.force_login(official)
    page = client.get(session.get_absolute_url())
    assert session.online_link not in page.content.decode()

    response = client.post(reverse("mentorship:register", args=[session.pk]), follow=True)

    assert session.online_link in response.content.decode()
    assert session.registrations.confirmed().filter(user=official).exists()


def test_the_online_link_is_hidden_from_visitors_and_from_the_waitlist(client):
    session = LearningSessionFactory(capacity=1)
    services.register_for_session(session, an_official())
    waiter = an_official()
    services.register_for_session(session, waiter)

    assert session.online_link not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(waiter)
    assert session.online_link not in client.get(session.get_absolute_url()).content.decode()


def test_registering_needs_a_post_and_a_get_writes_nothing(client):
    session = LearningSessionFactory()
    client.force_login(an_official())

    assert client.get(reverse("mentorship:register", args=[session.pk])).status_code == 405
    assert not session.registrations.exists()


def test_a_refused_registration_is_a_message_not_an_error_page(client):
    session = LearningSessionFactory(audience=LearningSession.Audience.SMES)
    client.force_login(an_official())

    response = client.post(reverse("mentorship:register", args=[session.pk]), follow=True)

    assert response.status_code == 200
    assert "meant for" in response.content.decode()


def test_a_session_of_a_draft_cohort_is_not_found_by_the_public(client, staff):
    session = LearningSessionFactory(cohort__status="draft")

    assert client.get(session.get_absolute_url()).status_code == 404
    client.force_login(staff)
    assert client.get(session.get_absolute_url()).status_code == 200
