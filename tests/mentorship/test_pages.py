"""Every mentorship page opens for the people it is for, and its forms save."""

import pytest
from django.urls import reverse

from mentorship import services
from mentorship.models import MenteeProfile, MentorProfile
from tests.factories import (
    CohortFactory,
    LearningSessionFactory,
    MentorProfileFactory,
    MentorshipFactory,
    UserFactory,
    an_official,
)

pytestmark = pytest.mark.django_db


def test_staff_open_every_page_they_run(client, staff):
    session = LearningSessionFactory()
    matching_round = services.open_matching_round(CohortFactory(), name="Round", by=staff)
    mentorship = MentorshipFactory(mentee=an_official())
    client.force_login(staff)

    for address in (
        reverse("mentorship:sessions"),
        reverse("mentorship:sessions") + "?when=past&topic=climate_finance",
        reverse("mentorship:session_create"),
        reverse("mentorship:session_edit", args=[session.pk]),
        session.get_absolute_url(),
        reverse("mentorship:attendance", args=[session.pk]),
        reverse("mentorship:report"),
        reverse("mentorship:mentoring"),
        reverse("mentorship:invite_mentor"),
        reverse("mentorship:rounds"),
        matching_round.get_absolute_url(),
        mentorship.get_absolute_url(),
        reverse("dashboard"),
    ):
        assert client.get(address).status_code == 200, address


def test_staff_edit_a_session_and_raising_capacity_promotes_the_waitlist(client, staff):
    session = LearningSessionFactory(capacity=1)
    starts_at = session.starts_at
    services.register_for_session(session, an_official())
    waiting = services.register_for_session(session, an_official())
    client.force_login(staff)
    form = client.get(reverse("mentorship:session_edit", args=[session.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        cohort=session.cohort_id,
        capacity=2,
        starts_at=form.initial["starts_at"].strftime("%Y-%m-%dT%H:%M"),
        ends_at=form.initial["ends_at"].strftime("%Y-%m-%dT%H:%M"),
    )
    data.pop("facilitators", None)

    response = client.post(reverse("mentorship:session_edit", args=[session.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert session.capacity == 2
    assert waiting.is_confirmed
    # Shown and read back in the zone it was entered in, the time does not move.
    assert session.starts_at == starts_at


def test_an_official_offers_to_mentor_and_states_needs_through_the_forms(client):
    official = an_official()
    client.force_login(official)
    for address in (
        reverse("mentorship:mentor_profile"),
        reverse("mentorship:mentee_needs"),
        reverse("mentorship:my_calendar"),
        reverse("mentorship:mentoring"),
    ):
        assert client.get(address).status_code == 200, address

    client.post(
        reverse("mentorship:mentor_profile"),
        {
            "expertise": ["pilots"],
            "languages": ["en"],
            "time_zone": "Asia/Bangkok",
            "capacity": 2,
            "accepting": "on",
        },
    )
    client.post(
        reverse("mentorship:mentee_needs"), {"needs": ["climate_finance"], "languages": ["th"]}
    )

    assert MentorProfile.objects.get(user=official).expertise == ["pilots"]
    assert MenteeProfile.objects.get(user=official).needs == ["climate_finance"]


def test_a_mentor_profile_without_expertise_is_a_form_error_not_a_500(client):
    client.force_login(an_official())

    response = client.post(
        reverse("mentorship:mentor_profile"),
        {"languages": ["en"], "time_zone": "UTC", "capacity": 2},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["expertise"]


def test_the_request_page_explains_why_a_mentor_is_suggested(client):
    mentor = MentorProfileFactory(expertise=["pilots"], languages=["en"])
    official = an_official()
    client.force_login(official)
    client.post(reverse("mentorship:mentee_needs"), {"needs": ["pilots"], "languages": ["en"]})

    page = client.get(reverse("mentorship:request_mentor", args=[mentor.pk])).content.decode()

    assert "Running and scaling pilots" in page


def test_staff_invite_an_existing_user_to_mentor(client, staff):
    person = UserFactory()
    client.force_login(staff)

    client.post(reverse("mentorship:invite_mentor"), {"email": person.email})

    assert MentorProfile.objects.filter(user=person, invited_by=staff).exists()


def test_the_mentoring_pages_need_sign_in(client):
    assert client.get(reverse("mentorship:mentoring")).status_code == 302
    assert client.get(reverse("mentorship:sessions")).status_code == 200
