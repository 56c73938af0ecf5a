"""The public list and page, drafting through the form, and what each person may reach."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.models import Challenge, Criterion
from tests.factories import (
    ChallengeFactory,
    CityFactory,
    CohortFactory,
    StaffFactory,
    UserFactory,
    official_of,
)

pytestmark = pytest.mark.django_db

LIST = reverse("procurement:challenge_list")


def test_public_list_shows_published_and_hides_drafts(client):
    published = ChallengeFactory(title="Cooler bus stops")
    ChallengeFactory(title="Secret draft", status=Challenge.Status.DRAFT)
    ChallengeFactory(title="Waiting", status=Challenge.Status.PENDING_APPROVAL)
    page = client.get(LIST).content.decode()
    assert published.title in page
    assert "Secret draft" not in page
    assert "Waiting" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"city": "hot-city"}, {"Heat"}),
        ({"co_benefit": "health"}, {"Heat"}),
        ({"sector": "waste"}, {"Waste"}),
        ({"status": "closed"}, {"Old"}),
        ({"closing_soon": "on"}, {"Heat"}),
    ],
)
def test_list_filters(client, query, expected):
    ChallengeFactory(
        title="Heat",
        city=CityFactory(slug="hot-city"),
        co_benefits=["health"],
        submissions_close=timezone.now() + datetime.timedelta(days=3),
        questions_close=timezone.now() + datetime.timedelta(days=1),
    )
    ChallengeFactory(title="Waste", sectors=["waste"])
    ChallengeFactory(title="Old", status=Challenge.Status.CLOSED)
    page = client.get(LIST, query).content.decode()
    for title in {"Heat", "Waste", "Old"}:
        assert (f">{title}<" in page) == (title in expected), (query, title)


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_constant_queries(client, django_assert_max_num_queries, settings, size):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page's own queries, not its keeping's
    ChallengeFactory.create_batch(size)
    with django_assert_max_num_queries(3):
        response = client.get(LIST)
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert len(shown) == min(size, 20)  # a page of 20
    assert all(challenge.title in response.content.decode() for challenge in shown)


@pytest.mark.parametrize("size", [2, 20])
def test_challenge_page_runs_constant_queries(
    client, django_assert_max_num_queries, settings, size
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page's own queries, not its keeping's
    from procurement.models import Clarification
    from tests.factories import ProposalFactory

    challenge = ChallengeFactory()
    for proposal in ProposalFactory.create_batch(size, challenge=challenge):
        Clarification.objects.create(
            challenge=challenge,
            sme=proposal.sme,
            question="q?",
            answer="a",
            answered_at=timezone.now(),
        )
    # The challenge, attachments, award, sectors, criteria, amendments and clarifications.
    with django_assert_max_num_queries(7):
        response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    assert challenge.title in response.content.decode()


def test_problem_statement_markdown_is_sanitised(client):
    challenge = ChallengeFactory(
        problem_statement="**Floods** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "<strong>Floods</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page


def test_draft_is_404_to_the_public_other_officials_and_staff(client):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for outsider in (UserFactory(), official_of(CityFactory()), StaffFactory()):
        client.force_login(outsider)
        assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(official_of(draft.city))
    own = client.get(draft.get_absolute_url())
    assert own.status_code == 200
    assert draft.title in own.content.decode()
    assert "Submit for approval" in own.content.decode()


def test_staff_see_pending_challenges(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL)
    client.force_login(StaffFactory())
    page = client.get(pending.get_absolute_url())
    assert page.status_code == 200
    assert pending.title in page.content.decode()
    assert "Approve and publish" in page.content.decode()


def form_data(city, cohort, *, weights=(60, 40), submissions_close="2030-05-01T17:00"):
    data = {
        "city": city.pk,
        "cohort": cohort.pk,
        "title": "Shade for street vendors",
        "problem_statement": "Vendors faint in April heat.",
        "desired_outcomes": "No heat-related closures.",
        "co_benefits": ["health", "jobs"],
        "sectors": [],
        "budget_min": "1000",
        "budget_max": "5000",
        "currency": "IDR",
        "procurement_route": "pilot",
        "eligibility": "verified_country",
        "eligibility_notes": "",
        "questions_close": "2030-04-20T17:00",
        "submissions_close": submissions_close,
        "award_expected": "2030-06-01T12:00",
        "criteria-TOTAL_FORMS": str(len(weights)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, weight in enumerate(weights):
        data[f"criteria-{index}-name"] = f"Criterion {index}"
        data[f"criteria-{index}-weight"] = str(weight)
    return data


@pytest.fixture
def jakarta_official():
    city = CityFactory(slug="semarang-test", country="ID", time_zone="Asia/Jakarta")
    cohort = CohortFactory()
    cohort.cities.add(city)
    # The official's own zone is Bangkok: the form still reads times in the city's zone.
    user = official_of(city, user=UserFactory(time_zone="Asia/Bangkok"))
    return user, city, cohort


def test_official_drafts_with_times_in_the_city_zone(client, jakarta_official):
    user, city, cohort = jakarta_official
    client.force_login(user)
    response = client.post(reverse("procurement:challenge_create"), form_data(city, cohort))
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.status == Challenge.Status.DRAFT
    assert challenge.submissions_close == datetime.datetime(2030, 5, 1, 10, 0, tzinfo=datetime.UTC)
    assert list(challenge.criteria.values_list("weight", flat=True)) == [60, 40]


def test_form_refuses_weights_not_adding_to_100(client, jakarta_official):
    user, city, cohort = jakarta_official
    client.force_login(user)
    response = client.post(
        reverse("procurement:challenge_create"), form_data(city, cohort, weights=(60, 30))
    )
    assert response.status_code == 200
    assert "must add up to 100" in response.content.decode()
    assert not Challenge.objects.exists()


def test_weights_error_says_the_total_the_official_entered(client, jakarta_official):
    user, city, cohort = jakarta_official
    client.force_login(user)
    response = client.post(
        reverse("procurement:challenge_create"), form_data(city, cohort, weights=(60, 30))
    )
    assert "The weights add up to 90;" in response.content.decode()


def test_amendment_weights_error_says_the_total_too():
    from procurement.forms.challenge import AmendedCriteriaFormSet

    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    for index, weight in enumerate((50, 20)):
        data[f"form-{index}-name"] = f"Criterion {index}"
        data[f"form-{index}-weight"] = str(weight)
    formset = AmendedCriteriaFormSet(data)
    assert not formset.is_valid()
    assert "The weights add up to 70;" in formset.non_form_errors()[0]


def test_a_new_challenge_form_offers_rows_for_several_criteria(client, jakarta_official):
    user, _city, _cohort = jakarta_official
    client.force_login(user)
    page = client.get(reverse("procurement:challenge_create")).content.decode()
    assert 'name="criteria-2-weight"' in page


def test_form_refuses_a_past_deadline(client, jakarta_official):
    user, city, cohort = jakarta_official
    client.force_login(user)
    data = form_data(city, cohort, submissions_close="2020-01-01T10:00")
    data["questions_close"] = "2019-12-01T10:00"
    response = client.post(reverse("procurement:challenge_create"), data)
    assert response.status_code == 200
    assert not Challenge.objects.exists()


def test_non_official_cannot_draft(client):
    client.force_login(UserFactory())
    assert client.get(reverse("procurement:challenge_create")).status_code == 403


def test_official_of_another_city_cannot_edit_404(client):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    client.force_login(official_of(CityFactory()))
    assert client.get(reverse("procurement:challenge_edit", args=[draft.slug])).status_code == 404


def test_edit_form_shows_times_in_city_zone(client, jakarta_official):
    user, city, cohort = jakarta_official
    challenge = ChallengeFactory(
        city=city,
        cohort=cohort,
        status=Challenge.Status.DRAFT,
        questions_close=datetime.datetime(2030, 4, 20, 10, 0, tzinfo=datetime.UTC),
        submissions_close=datetime.datetime(2030, 5, 1, 10, 0, tzinfo=datetime.UTC),
        award_expected=datetime.datetime(2030, 6, 1, 10, 0, tzinfo=datetime.UTC),
    )
    client.force_login(user)
    page = client.get(reverse("procurement:challenge_edit", args=[challenge.slug])).content.decode()
    assert 'value="2030-05-01T17:00"' in page


def test_submit_approve_through_pages(client, mailoutbox, django_capture_on_commit_callbacks):
    draft = ChallengeFactory(status=Challenge.Status.DRAFT)
    staff = StaffFactory()
    client.force_login(official_of(draft.city))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("procurement:challenge_submit", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Challenge.Status.PENDING_APPROVAL
    assert any(staff.email in m.to for m in mailoutbox)
    client.force_login(staff)
    client.post(reverse("procurement:challenge_approve", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == Challenge.Status.PUBLISHED


def test_official_cannot_approve_through_the_page(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL)
    client.force_login(official_of(pending.city))
    assert (
        client.post(reverse("procurement:challenge_approve", args=[pending.slug])).status_code
        == 403
    )
    pending.refresh_from_db()
    assert pending.status == Challenge.Status.PENDING_APPROVAL


def test_staff_send_back_through_the_page(client):
    pending = ChallengeFactory(status=Challenge.Status.PENDING_APPROVAL)
    client.force_login(StaffFactory())
    client.post(
        reverse("procurement:challenge_send_back", args=[pending.slug]), {"comments": "Shorter"}
    )
    pending.refresh_from_db()
    assert pending.status == Challenge.Status.DRAFT
    assert pending.review_comments == "Shorter"


def test_criteria_model_constraint():
    from django.db import IntegrityError

    challenge = ChallengeFactory()
    with pytest.raises(IntegrityError):
        Criterion.objects.create(challenge=challenge, name="x", weight=0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget_min": "-1"}, "budget_min"),
        ({"questions_close": "not a date"}, "questions_close"),
        ({"criteria-0-weight": "0", "criteria-1-weight": "100"}, "criteria"),
        ({"criteria-0-weight": "abc"}, "criteria"),
        ({"cohort": "999999"}, "cohort"),
    ],
)
def test_bad_challenge_input_is_refused_in_plain_words_and_kept(
    client, jakarta_official, changes, field
):
    user, city, cohort = jakarta_official
    client.force_login(user)
    response = client.post(
        reverse("procurement:challenge_create"), {**form_data(city, cohort), **changes}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Constraint" not in page
    assert "Shade for street vendors" in page
    assert not Challenge.objects.exists()


def test_list_shows_a_challenge_past_its_deadline_as_closed_even_without_the_beat(client):
    challenge = ChallengeFactory(title="Past due")
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    open_only = client.get(LIST, {"status": "published"}).content.decode()
    assert "Past due" not in open_only
    closed_only = client.get(LIST, {"status": "closed"}).content.decode()
    assert "Past due" in closed_only
    # Read from the clock, not recorded by the reader: the beat records the close.
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED
    assert challenge.status_now() == Challenge.Status.CLOSED


def test_a_refused_draft_says_at_the_top_that_it_is_not_saved(client, jakarta_official):
    user, city, cohort = jakarta_official
    client.force_login(user)
    ok = client.get(reverse("procurement:challenge_create")).content.decode()
    assert "The draft is not saved yet" not in ok
    response = client.post(
        reverse("procurement:challenge_create"), form_data(city, cohort, weights=(60, 30))
    )
    page = response.content.decode()
    assert page.index("The draft is not saved yet") < page.index('name="title"')


@pytest.mark.parametrize("viewer_zone", ["Asia/Kolkata", "Pacific/Auckland", "America/New_York"])
def test_timeline_is_read_in_the_city_zone_whatever_the_officials_own_zone(
    client, jakarta_official, viewer_zone
):
    user, city, cohort = jakarta_official
    user.time_zone = viewer_zone
    user.save()
    client.force_login(user)
    response = client.post(reverse("procurement:challenge_create"), form_data(city, cohort))
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    # 17:00 in Jakarta (UTC+7) is 10:00 UTC, not 17:00 in the official's own zone.
    assert challenge.submissions_close == datetime.datetime(2030, 5, 1, 10, 0, tzinfo=datetime.UTC)
    page = client.get(reverse("procurement:challenge_edit", args=[challenge.slug])).content.decode()
    assert 'value="2030-05-01T17:00"' in page


def test_amendment_times_are_read_in_the_city_zone_whatever_the_officials_own_zone(client):
    challenge = ChallengeFactory(
        city=CityFactory(slug="jkt", country="ID", time_zone="Asia/Jakarta"),
        submissions_close=datetime.datetime(2030, 5, 1, 10, 0, tzinfo=datetime.UTC),
        questions_close=datetime.datetime(2030, 4, 20, 10, 0, tzinfo=datetime.UTC),
        award_expected=datetime.datetime(2030, 6, 1, 10, 0, tzinfo=datetime.UTC),
    )
    official = official_of(challenge.city, user=UserFactory(time_zone="Asia/Kolkata"))
    client.force_login(official)
    url = reverse("procurement:challenge_amend", args=[challenge.slug])
    assert 'value="2030-05-01T17:00"' in client.get(url).content.decode()
    data = {
        "summary": "Two more days.",
        "questions_close": "2030-04-20T17:00",
        "submissions_close": "2030-05-03T17:00",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    for index, criterion in enumerate(challenge.criteria.all()):
        data[f"criteria-{index}-name"] = criterion.name
        data[f"criteria-{index}-weight"] = str(criterion.weight)
        data["criteria-TOTAL_FORMS"] = data["criteria-INITIAL_FORMS"] = str(index + 1)
    response = client.post(url, data)
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.submissions_close == datetime.datetime(2030, 5, 3, 10, 0, tzinfo=datetime.UTC)
    assert challenge.questions_close == datetime.datetime(2030, 4, 20, 10, 0, tzinfo=datetime.UTC)


def test_a_visitor_of_an_open_challenge_is_told_how_to_ask_and_propose(client):
    challenge = ChallengeFactory()
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Sign in as a member of a registered SME" in page
    assert reverse("smes:register") in page
    client.force_login(UserFactory())
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Register your SME" in page


def test_no_invitation_to_propose_once_a_challenge_is_closed(client):
    challenge = ChallengeFactory()
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close=timezone.now() - datetime.timedelta(days=1),
        submissions_close=timezone.now() - datetime.timedelta(seconds=1),
    )
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Want to propose a solution?" not in page
