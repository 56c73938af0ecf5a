"""Journeys on a challenge that used to end on a dead page: send back, criteria rows, sectors."""

import pytest
from django.urls import reverse

from procurement.models import Challenge
from tests.factories import ChallengeFactory, StaffFactory, official_of
from tests.procurement.test_challenge_pages import form_data

pytestmark = pytest.mark.django_db


def test_send_back_lands_staff_on_the_approval_queue_with_a_message(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL, title="Cool bus stops")
    client.force_login(StaffFactory())
    response = client.post(
        reverse("procurement:challenge_send_back", args=[pending.slug]),
        {"comments": "Say who waits at the stops."},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("procurement:approval_queue")
    assert "Cool bus stops" in response.content.decode()
    assert "sent back" in response.content.decode()


def test_a_refused_send_back_stays_on_the_challenge(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL)
    client.force_login(StaffFactory())
    response = client.post(
        reverse("procurement:challenge_send_back", args=[pending.slug]), {"comments": " "}
    )
    assert response.url == pending.get_absolute_url()


def test_the_challenge_page_names_its_sectors(client):
    challenge = ChallengeFactory(sectors=["water", "waste"])
    page = client.get(challenge.get_absolute_url()).content.decode()
    sectors = page.split("data-challenge-sectors>")[1].split("</dd>")[0]
    assert "Water" in sectors and "Waste" in sectors


@pytest.fixture
def drafting(client):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT, criteria=[("Impact", 60), ("Cost", 40)])
    client.force_login(official_of(draft.city))
    data = form_data(draft.city, draft.cohort, weights=())
    data["criteria-INITIAL_FORMS"] = "2"
    data["criteria-TOTAL_FORMS"] = "2"
    for index, criterion in enumerate(draft.criteria.order_by("order")):
        data[f"criteria-{index}-id"] = str(criterion.pk)
        data[f"criteria-{index}-name"] = criterion.name
        data[f"criteria-{index}-weight"] = str(criterion.weight)
    return draft, data, reverse("procurement:challenge_edit", args=[draft.slug])


def test_a_criterion_row_is_added_in_place_without_saving(client, drafting):
    draft, data, url = drafting
    data["problem_statement"] = "Typed but not saved."
    response = client.post(url, {**data, "add_criterion": "1"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.startswith('<div id="criteria-rows">')
    assert 'name="criteria-TOTAL_FORMS" value="3"' in page
    assert 'name="criteria-2-name"' in page
    draft.refresh_from_db()
    assert draft.problem_statement != "Typed but not saved."


def test_a_saved_criterion_removed_in_place_is_deleted_on_save(client, drafting):
    draft, data, url = drafting
    response = client.post(url, {**data, "remove_criterion": "1"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert draft.criteria.count() == 2
    assert 'name="criteria-1-DELETE"' in page and "<div hidden>" in page
    data["criteria-1-DELETE"] = "on"
    data["criteria-0-weight"] = "100"
    assert client.post(url, data).status_code == 302
    assert list(draft.criteria.values_list("name", flat=True)) == ["Impact"]


def test_an_unsaved_row_removed_in_place_disappears(client, drafting):
    _draft, data, url = drafting
    data.update({"criteria-TOTAL_FORMS": "3", "criteria-2-name": "Jobs", "criteria-2-weight": "5"})
    response = client.post(url, {**data, "remove_criterion": "2"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="2"' in page
    assert "Jobs" not in page


def test_rows_change_without_htmx_too_and_keep_the_typed_text(client, drafting):
    draft, data, url = drafting
    data["title"] = "A new title being typed"
    response = client.post(url, {**data, "add_criterion": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "A new title being typed" in page
    assert 'name="criteria-TOTAL_FORMS" value="3"' in page
    draft.refresh_from_db()
    assert draft.title != "A new title being typed"


def test_a_new_challenge_offers_four_criteria_rows(client, drafting):
    page = client.get(reverse("procurement:challenge_create")).content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="4"' in page
