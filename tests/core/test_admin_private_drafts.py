"""A superuser's admin shows no city's draft answers, no unsubmitted review's scores and not
who asked a question still unanswered, as it shows no sealed proposal's content."""

import pytest
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.models import CityApplication, Review
from procurement import services
from procurement.models import Clarification
from tests.factories import (
    ChallengeFactory,
    CityApplicationFactory,
    ReviewFactory,
    SubmittedApplicationFactory,
    UserFactory,
    VerifiedSMEFactory,
    member_of,
    official_of,
)

pytestmark = pytest.mark.django_db

MARKER = "Private-marker-7f3a"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_page(client, obj):
    meta = obj._meta
    return client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))


def changelist(client, model, **query):
    meta = model._meta
    return client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), query)


def test_a_draft_applications_answers_and_letter_are_hidden_in_the_admin(admin_client):
    draft = CityApplicationFactory(motivation=MARKER)

    response = change_page(admin_client, draft)

    assert response.status_code == 200
    assert str(draft.city) in response.text
    assert MARKER not in response.text
    assert reverse("cohorts:application_letter", args=[draft.pk]) not in response.text
    assert "Answers hidden until the city submits the application" in response.text


def test_a_submitted_applications_answers_show_in_the_admin(admin_client):
    submitted = SubmittedApplicationFactory(motivation=MARKER)

    response = change_page(admin_client, submitted)

    assert MARKER in response.text
    assert reverse("cohorts:application_letter", args=[submitted.pk]) in response.text


def test_the_application_list_cannot_be_filtered_on_answers(admin_client):
    CityApplicationFactory(motivation=MARKER)

    response = changelist(admin_client, CityApplication, motivation__icontains="marker")

    assert response.status_code == 400
    assert changelist(admin_client, CityApplication).status_code == 200


def _scored(review):
    cohort_services.save_scores(
        review,
        {criterion.id: (4, MARKER) for criterion in review.application.cohort.criteria.all()},
    )
    return review


def test_an_unsubmitted_reviews_scores_are_hidden_in_the_admin(admin_client):
    review = _scored(ReviewFactory())

    response = change_page(admin_client, review)

    assert response.status_code == 200
    assert MARKER not in response.text


def test_a_submitted_reviews_scores_show_in_the_admin(admin_client):
    review = _scored(ReviewFactory())
    cohort_services.submit_review(review)

    response = change_page(admin_client, review)

    assert MARKER in response.text


def test_the_review_list_cannot_be_filtered_on_scores(admin_client):
    _scored(ReviewFactory())

    response = changelist(admin_client, Review, scores__comment__icontains="marker")

    assert response.status_code == 400
    assert changelist(admin_client, Review).status_code == 200


def _asked():
    challenge = ChallengeFactory()
    sme = VerifiedSMEFactory(legal_name=f"{MARKER} Ltd")
    asker = member_of(sme, user__email="asker@example.org")
    return services.ask_question(challenge, sme=sme, by=asker, question="Is the budget fixed?")


def test_who_asked_an_unanswered_question_is_hidden_in_the_admin(admin_client):
    question = _asked()

    response = change_page(admin_client, question)

    assert response.status_code == 200
    assert "Is the budget fixed?" in response.text
    assert MARKER not in response.text
    assert "asker@example.org" not in response.text


def test_who_asked_shows_in_the_admin_once_the_question_is_answered(admin_client):
    question = _asked()
    services.publish_answer(question, by=official_of(question.challenge.city), answer="Yes.")

    response = change_page(admin_client, question)

    assert MARKER in response.text


def test_the_question_list_cannot_be_filtered_on_the_asker(admin_client):
    question = _asked()

    response = changelist(admin_client, Clarification, sme__id__exact=question.sme_id)

    assert response.status_code == 400
    assert changelist(admin_client, Clarification).status_code == 200


def test_the_admin_never_shows_an_authenticator_apps_secret(admin_client):
    from allauth.mfa.models import Authenticator

    staff = UserFactory(is_staff=True)
    totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)

    response = change_page(admin_client, totp)

    assert response.status_code == 200
    assert totp.data["secret"] not in response.text
