# ruff: noqa: RUF001, RUF003  (the pages join times with an en dash, as typeset)
"""Times are stored in UTC, entered in a chosen zone, and shown in the viewer's zone with the
host city's beside it, across midnight and across Auckland's change to daylight saving."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from mentorship.forms import SessionForm
from mentorship.models import LearningSession
from mentorship.times import span
from tests.factories import CityFactory, CohortFactory, LearningSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(**overrides):
    cohort = CohortFactory(status="running")
    data = {
        "cohort": cohort.pk,
        "title": "Climate finance for small firms",
        "topic": "climate_finance",
        "language": "en",
        "time_zone": "Asia/Bangkok",
        "starts_at": "2027-03-10T09:00",
        "ends_at": "2027-03-10T10:30",
        "online_link": "https://meet.example.org/climate",
        "capacity": 30,
        "audience": "both",
    }
    data.update(overrides)
    return SessionForm(data=data)


def test_times_typed_in_bangkok_are_stored_in_utc():
    form = _form()

    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == datetime(2027, 3, 10, 2, 0, tzinfo=UTC)


def test_the_same_clock_time_typed_in_auckland_either_side_of_its_dst_change():
    # New Zealand moves to daylight saving (UTC+13) on 26 September 2027 at 02:00.
    before = _form(
        time_zone="Pacific/Auckland", starts_at="2027-09-25T09:00", ends_at="2027-09-25T10:00"
    )
    after = _form(
        time_zone="Pacific/Auckland", starts_at="2027-09-27T09:00", ends_at="2027-09-27T10:00"
    )

    assert before.is_valid() and after.is_valid(), (before.errors, after.errors)
    assert before.cleaned_data["starts_at"] == datetime(2027, 9, 24, 21, 0, tzinfo=UTC)
    assert after.cleaned_data["starts_at"] == datetime(2027, 9, 26, 20, 0, tzinfo=UTC)


def test_an_auckland_viewer_sees_a_weekly_utc_session_move_an_hour_at_the_dst_change():
    start_before = datetime(2027, 9, 18, 20, 0, tzinfo=UTC)
    start_after = datetime(2027, 9, 25, 20, 0, tzinfo=UTC)
    hour = start_after - datetime(2027, 9, 25, 19, 0, tzinfo=UTC)

    assert (
        span(start_before, start_before + hour, "Pacific/Auckland")
        == "Sun, 19 Sept 2027, 08:00–09:00"
    )
    assert (
        span(start_after, start_after + hour, "Pacific/Auckland")
        == "Sun, 26 Sept 2027, 09:00–10:00"
    )


def test_a_session_crossing_midnight_for_the_viewer_shows_both_dates():
    starts = datetime(2027, 3, 10, 10, 30, tzinfo=UTC)
    ends = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)

    # 17:30–19:00 in Bangkok, but 23:30 to 01:00 the next day in Auckland (UTC+13 in March).
    assert span(starts, ends, "Asia/Bangkok") == "Wed, 10 Mar 2027, 17:30–19:00"
    assert (
        span(starts, ends, "Pacific/Auckland")
        == "Wed, 10 Mar 2027, 23:30 – Thu, 11 Mar 2027, 01:00"
    )


def test_the_page_shows_the_viewers_zone_and_beside_it_the_host_citys(client):
    semarang = CityFactory(name="Semarang", time_zone="Asia/Jakarta")
    session = LearningSessionFactory(
        host_city=semarang,
        starts_at=datetime(2027, 3, 10, 10, 30, tzinfo=UTC),
        ends_at=datetime(2027, 3, 10, 12, 0, tzinfo=UTC),
    )
    client.force_login(UserFactory(time_zone="Pacific/Auckland"))

    page = client.get(session.get_absolute_url()).content.decode()

    assert "Wed, 10 Mar 2027, 23:30 – Thu, 11 Mar 2027, 01:00" in page
    assert "Semarang time: Wed, 10 Mar 2027, 17:30–19:00 (Asia/Jakarta)" in page


def test_a_visitor_sees_utc_and_the_host_citys_time(client):
    LearningSessionFactory(
        host_city=CityFactory(time_zone="Asia/Manila"),
        starts_at=datetime(2027, 3, 10, 1, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 10, 2, 0, tzinfo=UTC),
    )

    page = client.get(reverse("mentorship:sessions")).content.decode()

    assert "Wed, 10 Mar 2027, 01:00–02:00" in page
    assert "Wed, 10 Mar 2027, 09:00–10:00 (Asia/Manila)" in page


def test_a_session_must_end_after_it_starts_and_have_a_link_or_venue():
    form = _form(ends_at="2027-03-10T08:00", online_link="")

    assert not form.is_valid()
    assert "ends_at" in form.errors and "online_link" in form.errors


def test_staff_schedule_a_session_through_the_form_and_it_is_audited(client, staff):
    from resilience_portal.models import AuditEntry

    cohort = CohortFactory(status="running")
    client.force_login(staff)

    response = client.post(
        reverse("mentorship:session_create"),
        {
            "cohort": cohort.pk,
            "title": "SME readiness clinic",
            "topic": "sme_readiness",
            "language": "th",
            "time_zone": "Asia/Bangkok",
            "starts_at": "2027-05-01T14:00",
            "ends_at": "2027-05-01T15:00",
            "venue": "City hall, room 3",
            "capacity": 12,
            "audience": "smes",
        },
    )

    session = LearningSession.objects.get(title="SME readiness clinic")
    assert response.status_code == 302
    assert session.starts_at == datetime(2027, 5, 1, 7, 0, tzinfo=UTC)
    assert AuditEntry.objects.filter(action="session.scheduled").exists()


def test_someone_who_is_not_staff_cannot_schedule_a_session(client, user):
    client.force_login(user)

    assert client.get(reverse("mentorship:session_create")).status_code == 403
