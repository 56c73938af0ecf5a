"""Staff take attendance with one tap per person; attendees give feedback once; staff see
attendance and feedback per session, cohort and city."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CityMembership
from mentorship import services
from mentorship.models import Feedback
from resilience_portal.models import AuditEntry
from resilience_portal.refusals import Refused
from tests.factories import (
    LearningSessionFactory,
    RegistrationFactory,
    UserFactory,
    an_official,
    an_sme_member,
)

pytestmark = pytest.mark.django_db


def _running():
    now = timezone.now()
    return LearningSessionFactory(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1)
    )


def _finished():
    now = timezone.now()
    return LearningSessionFactory(
        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2)
    )


def test_staff_mark_a_person_present_with_one_tap_and_it_is_audited(client, staff):
    registration = RegistrationFactory(session=_running(), user=an_official())
    client.force_login(staff)

    response = client.post(
        reverse("mentorship:mark_attendance", args=[registration.session_id, registration.pk]),
        {"attended": "yes"},
        headers={"HX-Request": "true"},
    )

    registration.refresh_from_db()
    assert response.status_code == 200
    assert "Present" in response.content.decode()
    assert registration.attended is True
    assert AuditEntry.objects.filter(action="session.attendance", actor=staff).exists()


def test_a_facilitator_takes_attendance_too(client):
    session = _running()
    facilitator = UserFactory()
    session.facilitators.add(facilitator)
    registration = RegistrationFactory(session=session, user=an_official())

    services.mark_attendance(registration, attended=True, by=facilitator)

    assert registration.attended is True


def test_someone_who_does_not_run_the_session_gets_404_for_the_attendance_list(client):
    registration = RegistrationFactory(session=_running(), user=an_official())
    client.force_login(registration.user)

    assert (
        client.get(reverse("mentorship:attendance", args=[registration.session_id])).status_code
        == 404
    )
    response = client.post(
        reverse("mentorship:mark_attendance", args=[registration.session_id, registration.pk]),
        {"attended": "yes"},
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.attended is None


def test_attendance_is_not_taken_days_before_the_session(staff):
    registration = RegistrationFactory(user=an_official())

    with pytest.raises(Refused, match="shortly before"):
        services.mark_attendance(registration, attended=True, by=staff)


def test_an_attendee_gives_feedback_once(client):
    registration = RegistrationFactory(session=_finished(), user=an_official(), attended=True)
    client.force_login(registration.user)
    address = reverse("mentorship:feedback", args=[registration.session_id])

    client.post(address, {"rating": "4", "comment": "Useful examples."})
    second = client.post(address, {"rating": "1", "comment": "Changed my mind."})

    assert Feedback.objects.get().rating == 4
    assert "already given feedback" in second.content.decode()


def test_someone_absent_cannot_give_feedback():
    registration = RegistrationFactory(session=_finished(), user=an_official(), attended=False)

    with pytest.raises(Refused, match="attended"):
        services.give_feedback(registration, rating=5, comment="", by=registration.user)


def test_feedback_waits_until_the_session_has_ended():
    registration = RegistrationFactory(session=_running(), user=an_official(), attended=True)

    with pytest.raises(Refused, match="when the session ends"):
        services.give_feedback(registration, rating=5, comment="", by=registration.user)


def test_a_rating_outside_one_to_five_is_a_form_error(client):
    registration = RegistrationFactory(session=_finished(), user=an_official(), attended=True)
    client.force_login(registration.user)

    response = client.post(
        reverse("mentorship:feedback", args=[registration.session_id]), {"rating": "9"}
    )

    assert response.status_code == 200
    assert not Feedback.objects.exists()


def test_staff_see_attendance_and_feedback_per_session_cohort_and_city(client, staff):
    session = _finished()
    present = RegistrationFactory(
        session=session, user=an_official(city__name="Semarang"), attended=True
    )
    RegistrationFactory(session=session, user=an_official(), attended=False)
    RegistrationFactory(
        session=session, user=an_sme_member(sme__city__name="Da Nang"), attended=True
    )
    services.give_feedback(present, rating=5, comment="", by=present.user)
    client.force_login(staff)

    page = client.get(reverse("mentorship:report")).content.decode()

    assert session.title in page
    assert session.cohort.name in page
    assert "Semarang" in page and "Da Nang" in page
    assert "5.0" in page


def test_the_report_counts_a_city_only_for_its_verified_officials(client, staff):
    session = _finished()
    RegistrationFactory(session=session, user=an_official(city__name="Semarang"))
    RegistrationFactory(
        session=session, user=an_official(city__name="Hue", status=CityMembership.Status.PENDING)
    )
    client.force_login(staff)

    by_city = client.get(reverse("mentorship:report")).context["by_city"]

    assert [row["city"] for row in by_city] == ["Semarang"]


def test_the_report_is_for_staff_only(client, user):
    client.force_login(user)

    assert client.get(reverse("mentorship:report")).status_code == 403
