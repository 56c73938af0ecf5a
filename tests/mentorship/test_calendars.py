"""Calendar files: the public feed, each person's private feed at a secret revocable address,
and one session's file; all parse back with icalendar as valid RFC 5545."""

import icalendar
import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import CalendarFeed
from resilience_portal.refusals import Refused
from tests.factories import LearningSessionFactory, RegistrationFactory, an_official

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    events = calendar.walk("VEVENT")
    for event in events:
        # RFC 5545 3.6.1: UID and DTSTAMP are required, DTSTART too when there is no METHOD.
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, required
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    return events


def test_the_public_feed_lists_sessions_without_their_online_links(client):
    sessions = LearningSessionFactory.create_batch(2)

    events = parse(client.get(reverse("mentorship:public_feed")))

    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(s.title for s in sessions)
    assert (
        sessions[0].online_link
        not in client.get(reverse("mentorship:public_feed")).content.decode()
    )
    assert {e.decoded("DTSTART") for e in events} == {s.starts_at for s in sessions}


def test_the_public_feed_leaves_out_sessions_of_a_draft_cohort(client):
    LearningSessionFactory(cohort__status="draft")

    assert parse(client.get(reverse("mentorship:public_feed"))) == []


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(client, staff):
    session = LearningSessionFactory()
    services.cancel_session(session, by=staff)

    (event,) = parse(client.get(reverse("mentorship:public_feed")))

    assert str(event["STATUS"]) == "CANCELLED"


def test_a_private_feed_shows_only_its_owners_registrations_with_their_links(client):
    mine, theirs = LearningSessionFactory(title="Mine"), LearningSessionFactory(title="Theirs")
    owner, other = an_official(), an_official()
    RegistrationFactory(session=mine, user=owner)
    RegistrationFactory(session=theirs, user=other)
    feed = services.create_calendar_feed(owner)

    response = client.get(feed.get_absolute_url())

    assert [str(e["SUMMARY"]) for e in parse(response)] == ["Mine"]
    assert mine.online_link in response.content.decode()


def test_a_revoked_address_answers_404_and_the_new_one_works(client):
    owner = an_official()
    RegistrationFactory(user=owner)
    feed = services.create_calendar_feed(owner)
    old_address = feed.get_absolute_url()

    services.revoke_calendar_feed(feed, by=owner)

    assert client.get(old_address).status_code == 404
    assert len(parse(client.get(CalendarFeed.objects.get(user=owner).get_absolute_url()))) == 1


def test_a_made_up_address_answers_404(client):
    response = client.get(reverse("mentorship:private_feed", args=["not-a-real-token"]))

    assert response.status_code == 404


def test_only_the_owner_can_revoke_their_address():
    owner = an_official()
    feed = services.create_calendar_feed(owner)

    with pytest.raises(Refused):
        services.revoke_calendar_feed(feed, by=an_official())


def test_the_calendar_page_creates_and_renews_the_address_on_post_only(client):
    owner = an_official()
    client.force_login(owner)

    client.get(reverse("mentorship:my_calendar"))
    assert not CalendarFeed.objects.filter(user=owner).exists()
    client.post(reverse("mentorship:my_calendar"))
    first = CalendarFeed.objects.get(user=owner).token
    client.post(reverse("mentorship:my_calendar"))

    assert CalendarFeed.objects.get(user=owner).token != first
    assert first not in client.get(reverse("mentorship:my_calendar")).content.decode()


def test_one_sessions_file_carries_the_link_only_for_registered_people(client):
    session = LearningSessionFactory()
    person = an_official()
    address = reverse("mentorship:session_ics", args=[session.pk])
    assert session.online_link not in client.get(address).content.decode()

    RegistrationFactory(session=session, user=person)
    client.force_login(person)

    assert len(parse(client.get(address))) == 1
    assert session.online_link in client.get(address).content.decode()


def test_the_cached_public_feed_shows_a_changed_or_new_session_at_once(client, staff):
    session = LearningSessionFactory(title="Before")
    parse(client.get(reverse("mentorship:public_feed")))

    services.update_session(session, by=staff, title="After")
    LearningSessionFactory(title="New")

    titles = sorted(str(e["SUMMARY"]) for e in parse(client.get(reverse("mentorship:public_feed"))))
    assert titles == ["After", "New"]
