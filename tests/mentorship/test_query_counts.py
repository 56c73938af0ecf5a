"""Lists and feeds run a constant number of queries, whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship import services
from tests.factories import (
    LearningSessionFactory,
    MentorProfileFactory,
    MentorshipFactory,
    RegistrationFactory,
    an_official,
)

pytestmark = pytest.mark.django_db


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def official(client):
    person = an_official()
    client.force_login(person)
    return person


def _sessions(count, person):
    for session in LearningSessionFactory.create_batch(count):
        RegistrationFactory(session=session, user=person)


@pytest.mark.parametrize(
    "address", [reverse("mentorship:sessions"), reverse("mentorship:public_feed")]
)
def test_the_session_list_and_public_feed_cost_the_same_for_3_and_15_sessions(
    client, official, address
):
    _sessions(3, official)
    few = queries(client, address)
    _sessions(12, official)

    assert queries(client, address) == few


def test_the_private_feed_costs_the_same_for_2_and_12_registrations(client, official):
    feed = services.create_calendar_feed(official)
    _sessions(2, official)
    few = queries(client, feed.get_absolute_url())
    _sessions(10, official)

    assert queries(client, feed.get_absolute_url()) == few


def test_the_mentoring_page_costs_the_same_for_few_and_many_mentors(client, official):
    MentorProfileFactory.create_batch(2)
    MentorshipFactory(mentee=official)
    few = queries(client, reverse("mentorship:mentoring"))
    MentorProfileFactory.create_batch(8)
    for _ in range(4):
        MentorshipFactory(mentee=official)

    assert queries(client, reverse("mentorship:mentoring")) == few


def test_the_dashboard_panel_costs_the_same_for_few_and_many_items(client, official):
    _sessions(2, official)
    few = queries(client, reverse("dashboard"))
    _sessions(8, official)

    assert queries(client, reverse("dashboard")) == few
