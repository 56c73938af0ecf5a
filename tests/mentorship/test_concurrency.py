"""Seats, promotions and a mentor's capacity hold when two people act at the same moment
(real transactions and row locks on PostgreSQL, one thread and connection each)."""

import threading

import pytest
from django.db import connection, connections

from mentorship import services
from mentorship.models import Mentorship, Registration
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    LearningSessionFactory,
    MentorProfileFactory,
    MentorshipFactory,
    an_official,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(*acts):
    """Run each act in its own thread and connection, released together; collect outcomes."""
    barrier = threading.Barrier(len(acts))
    outcomes = []

    def run(act):
        try:
            barrier.wait()
            act()
            outcomes.append("done")
        except Refused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_people_taking_the_last_seat_at_once_give_one_seat_and_one_waitlist_place():
    session = LearningSessionFactory(capacity=1)
    first, second = an_official(), an_official()

    outcomes = race(
        lambda: services.register_for_session(session, first),
        lambda: services.register_for_session(session, second),
    )

    assert outcomes == ["done", "done"]
    statuses = sorted(session.registrations.values_list("status", flat=True))
    assert statuses == [Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]


def test_two_people_taking_two_free_seats_at_once_both_get_one():
    session = LearningSessionFactory(capacity=2)
    first, second = an_official(), an_official()

    race(
        lambda: services.register_for_session(session, first),
        lambda: services.register_for_session(session, second),
    )

    assert session.registrations.confirmed().count() == 2


def test_two_cancellations_at_once_promote_the_one_waiting_person_exactly_once():
    session = LearningSessionFactory(capacity=2)
    holders = [an_official(), an_official()]
    seats = [services.register_for_session(session, person) for person in holders]
    waiting = services.register_for_session(session, an_official())

    outcomes = race(
        lambda: services.cancel_registration(seats[0], by=holders[0]),
        lambda: services.cancel_registration(seats[1], by=holders[1]),
    )

    assert outcomes == ["done", "done"]
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert session.registrations.confirmed().count() == 1
    assert AuditEntry.objects.filter(action="session.promoted").count() == 1


def test_the_same_cancellation_sent_twice_at_once_promotes_one_person_once():
    session = LearningSessionFactory(capacity=1)
    holder = an_official()
    seat = services.register_for_session(session, holder)
    first_waiting = services.register_for_session(session, an_official())
    services.register_for_session(session, an_official())

    outcomes = race(
        lambda: services.cancel_registration(Registration.objects.get(pk=seat.pk), by=holder),
        lambda: services.cancel_registration(Registration.objects.get(pk=seat.pk), by=holder),
    )

    assert outcomes == ["done", "refused"]
    assert list(session.registrations.confirmed().values_list("pk", flat=True)) == [
        first_waiting.pk
    ]
    assert session.registrations.waitlisted().count() == 1


def test_a_mentor_with_one_place_accepting_two_requests_at_once_takes_one():
    mentor = MentorProfileFactory(capacity=1)
    requests = [MentorshipFactory(mentor=mentor, mentee=an_official()) for _ in range(2)]

    outcomes = race(*(lambda r=r: services.accept_mentorship(r, by=mentor.user) for r in requests))

    assert outcomes == ["done", "refused"]
    assert mentor.mentorships.filter(status=Mentorship.Status.ACTIVE).count() == 1


def test_a_mentor_with_two_places_accepting_two_requests_at_once_takes_both():
    mentor = MentorProfileFactory(capacity=2)
    requests = [MentorshipFactory(mentor=mentor, mentee=an_official()) for _ in range(2)]

    outcomes = race(*(lambda r=r: services.accept_mentorship(r, by=mentor.user) for r in requests))

    assert outcomes == ["done", "done"]
