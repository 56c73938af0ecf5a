"""A city's application saves itself as the officials type: the same draft and refusals as Save."""

import pytest
from django.urls import reverse

from cohorts.models import CityApplication
from tests.factories import (
    CityApplicationFactory,
    CityMembershipFactory,
    StaffFactory,
    SubmittedApplicationFactory,
)

pytestmark = pytest.mark.django_db


def autosave_url(application):
    return reverse("cohorts:application_autosave", args=[application.pk])


def page_state(application):
    """What the edit page posts: every section, and each as the page loaded it."""
    sections = [field for field, _label in CityApplication.SECTIONS]
    loaded = {field: getattr(application, field) for field in sections}
    return {**loaded, **{f"initial-{field}": value for field, value in loaded.items()}}


@pytest.fixture
def draft():
    return CityApplicationFactory()


@pytest.fixture
def official(client, draft):
    user = CityMembershipFactory(city=draft.city).user
    client.force_login(user)
    return user


def test_an_official_typing_saves_the_draft_and_is_told_when(client, draft, official):
    response = client.post(
        autosave_url(draft), {**page_state(draft), "motivation": "Markets that stay open"}
    )

    draft.refresh_from_db()
    assert response.status_code == 200
    assert "Saved " in response.content.decode()
    assert draft.motivation == "Markets that stay open"
    assert draft.status == CityApplication.Status.DRAFT
    # The page's "as loaded" marker moves on, so the next autosave compares with this save.
    assert 'name="initial-motivation"' in response.content.decode()
    assert "Markets that stay open" in response.content.decode()


def test_an_autosave_never_submits_even_when_the_submit_button_is_named(client, draft, official):
    client.post(autosave_url(draft), {**page_state(draft), "motivation": "New", "submit": ""})

    draft.refresh_from_db()
    assert draft.status == CityApplication.Status.DRAFT
    assert draft.submitted_at is None


def test_an_autosave_never_overwrites_a_colleagues_newer_section(client, draft, official):
    state = page_state(draft)
    # A colleague saves the motivation after this official's page loaded.
    draft.motivation = "The colleague's motivation"
    draft.save()

    refused = client.post(autosave_url(draft), {**state, "motivation": "My older motivation"})
    other_section = client.post(autosave_url(draft), {**state, "sme_ecosystem": "Two incubators"})

    draft.refresh_from_db()
    assert refused.status_code == 409
    assert "A colleague saved Motivation after you opened this page" in refused.content.decode()
    assert "Saved " not in refused.content.decode()
    assert draft.motivation == "The colleague's motivation"
    assert other_section.status_code == 200
    assert draft.sme_ecosystem == "Two incubators"


def test_the_sections_a_colleague_did_not_touch_are_saved_beside_theirs(client, draft, official):
    state = page_state(draft)
    draft.motivation = "The colleague's motivation"
    draft.save()

    response = client.post(
        autosave_url(draft),
        {**state, "motivation": "My older motivation", "sme_ecosystem": "Two incubators"},
    )

    draft.refresh_from_db()
    # A conflict, so the browser keeps the official's own motivation to offer back.
    assert response.status_code == 409
    assert "Saved " in response.content.decode()
    assert draft.motivation == "The colleague's motivation"
    assert draft.sme_ecosystem == "Two incubators"


def test_line_breaks_sent_differently_are_not_a_colleagues_change(client, draft, official):
    draft.motivation = "First line\nSecond line"
    draft.save()
    state = {**page_state(draft), "initial-motivation": "First line\r\nSecond line"}

    response = client.post(autosave_url(draft), {**state, "motivation": "First line\r\nThird"})

    assert response.status_code == 200


def test_an_official_of_another_city_cannot_autosave(client, draft):
    client.force_login(CityMembershipFactory().user)

    response = client.post(autosave_url(draft), {**page_state(draft), "motivation": "Hijack"})

    draft.refresh_from_db()
    assert response.status_code == 404
    assert draft.motivation != "Hijack"


def test_staff_cannot_autosave_a_citys_application(client):
    submitted = SubmittedApplicationFactory()
    client.force_login(StaffFactory())

    response = client.post(autosave_url(submitted), {**page_state(submitted), "motivation": "X"})

    assert response.status_code == 404


def test_a_submitted_application_is_refused_like_a_save(client):
    submitted = SubmittedApplicationFactory()
    client.force_login(CityMembershipFactory(city=submitted.city).user)

    response = client.post(
        autosave_url(submitted), {**page_state(submitted), "motivation": "Afterthought"}
    )

    submitted.refresh_from_db()
    assert response.status_code == 409
    assert "Only a draft can be edited." in response.content.decode()
    assert submitted.motivation != "Afterthought"
    assert submitted.status == CityApplication.Status.SUBMITTED


def test_autosave_answers_a_get_without_writing(client, draft, official):
    before = CityApplication.objects.get(pk=draft.pk).updated_at

    response = client.get(autosave_url(draft), {"motivation": "Via GET"})

    assert response.status_code == 405
    assert CityApplication.objects.get(pk=draft.pk).updated_at == before


def test_the_edit_page_carries_the_autosave_status_line(client, draft, official):
    page = client.get(reverse("cohorts:application_edit", args=[draft.pk])).content.decode()

    assert 'role="status"' in page
    assert f'data-hx-post="{autosave_url(draft)}"' in page
    assert "Restore what you typed" in page
    assert "<script>" not in page  # the page's CSP allows no inline script
