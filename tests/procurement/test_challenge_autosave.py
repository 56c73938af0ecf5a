"""A challenge draft saves itself as an official types: only its own fields, only as a draft."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from tests.factories import ChallengeFactory, CityFactory, StaffFactory, official_of

pytestmark = pytest.mark.django_db


def autosave_url(challenge):
    return reverse("procurement:challenge_autosave", args=[challenge.slug])


def page_state(challenge, **changes):
    """What the edit page posts for the challenge's own fields, with the page's mark."""
    data = {
        "city": challenge.city.pk,
        "cohort": challenge.cohort.pk,
        "title": challenge.title,
        "problem_statement": challenge.problem_statement,
        "desired_outcomes": challenge.desired_outcomes,
        "co_benefits": challenge.co_benefits,
        "sectors": [],
        "budget_min": "100000",
        "budget_max": "500000",
        "currency": "THB",
        "procurement_route": challenge.procurement_route,
        "eligibility": challenge.eligibility,
        "eligibility_notes": "",
        "questions_close": "2030-04-20T17:00",
        "submissions_close": "2030-05-01T17:00",
        "award_expected": "2030-06-01T12:00",
        "seen": challenge.updated_at.isoformat(),
    }
    return {**data, **changes}


@pytest.fixture
def draft():
    return ChallengeFactory(status=Challenge.Status.DRAFT)


def test_an_official_typing_saves_the_draft_and_is_told_when(client, draft):
    client.force_login(official_of(draft.city))

    response = client.post(autosave_url(draft), page_state(draft, title="Shade for vendors"))

    draft.refresh_from_db()
    assert response.status_code == 200
    assert "Saved " in response.content.decode()
    assert draft.title == "Shade for vendors"
    assert draft.status == Challenge.Status.DRAFT
    assert draft.criteria.count() == 3
    assert f'value="{draft.updated_at.isoformat()}"' in response.content.decode()


def test_an_autosave_never_overwrites_a_colleagues_newer_save(client, draft):
    state = page_state(draft, title="My older title")
    draft.title = "The colleague's title"
    draft.save()
    client.force_login(official_of(draft.city))

    response = client.post(autosave_url(draft), state)

    draft.refresh_from_db()
    assert response.status_code == 409
    assert "A colleague saved this challenge after you opened it" in response.content.decode()
    assert draft.title == "The colleague's title"


def test_a_challenge_waiting_for_approval_is_refused_like_a_save(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL)
    client.force_login(official_of(pending.city))

    response = client.post(autosave_url(pending), page_state(pending, title="Changed"))

    pending.refresh_from_db()
    assert response.status_code == 409
    assert "Only a draft can be edited" in response.content.decode()
    assert pending.title != "Changed"
    assert pending.status == Challenge.Status.PENDING_APPROVAL


def test_officials_of_another_city_and_staff_cannot_autosave(client, draft):
    for outsider in (official_of(CityFactory()), StaffFactory()):
        client.force_login(outsider)

        response = client.post(autosave_url(draft), page_state(draft, title="Hijack"))

        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "Hijack"


def test_a_field_to_correct_is_said_and_nothing_saved(client, draft):
    client.force_login(official_of(draft.city))

    response = client.post(autosave_url(draft), page_state(draft, title="Shade", budget_min="-5"))

    draft.refresh_from_db()
    assert response.status_code == 400
    assert "Not saved yet: check" in response.content.decode()
    assert draft.title != "Shade"


def test_autosave_answers_a_get_without_writing(client, draft):
    client.force_login(official_of(draft.city))
    before = draft.updated_at

    response = client.get(autosave_url(draft), page_state(draft, title="Via GET"))

    assert response.status_code == 405
    assert Challenge.objects.get(pk=draft.pk).updated_at == before


def test_the_draft_autosaves_once_it_exists(client, draft):
    client.force_login(official_of(draft.city))

    new_page = client.get(reverse("procurement:challenge_create")).content.decode()
    edit_page = client.get(
        reverse("procurement:challenge_edit", args=[draft.slug])
    ).content.decode()

    assert 'id="autosave-status"' not in new_page
    assert f'data-hx-post="{autosave_url(draft)}"' in edit_page
