"""A visitor reading Thai, Bahasa Indonesia or Vietnamese meets none of these pages' English
labels: sign-in, sign-up and password reset (allauth's pages and Django's password rules),
SME registration, a challenge and the dashboard."""

import html
import re

import pytest
from django.conf import settings

from tests.factories import ChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["th", "id", "vi"]

# Whole phrases, so that a word a language borrows as it is ("Email" in Indonesian) is
# never taken for a missing translation.
SIGN_IN = [
    "Sign In",
    "If you have not created an account yet",
    "Forgot your password?",
    "Remember Me",
]
SIGN_UP = [
    "Sign Up",
    "Signup",
    "Already have an account?",
    "Password (again)",
    "Your password can\N{RIGHT SINGLE QUOTATION MARK}t be too similar to your other personal information.",
    "Your password must contain at least 8 characters.",
    "Your password can\N{RIGHT SINGLE QUOTATION MARK}t be a commonly used password.",
    "Your password can\N{RIGHT SINGLE QUOTATION MARK}t be entirely numeric.",
]
PASSWORD_RESET = [
    "Password Reset",
    "Forgotten your password?",
    "we'll send you an email allowing you to reset it",
    "Reset My Password",
    "Please contact us if you have any trouble resetting your password.",
]
SME_REGISTRATION = [
    "Register your business",
    "Registered SMEs can answer city challenges.",
    "Legal name",
    "Trading name",
    "Registration number",
    "As on the business registration certificate.",
    "Number of employees",
    "Year founded",
    "Majority owned or led by women.",
    "How the pandemic affected the business",
    "Contact e-mail",
    "Business registration certificate",
    "Register the business",
    "Choose…",
    "- Select an option -",
    "---------",
]
CHALLENGE = [
    "All challenges",
    "Questions close",
    "Submissions close",
    "Award expected",
    "The problem",
    "Desired outcomes",
    "Procurement route",
    "Who may propose",
    "Evaluation criteria",
    "Questions and answers",
    "No answered questions yet.",
    "Want to propose a solution?",
    "Register your SME",
]
DASHBOARD = [
    "Skip to main content",
    "Case studies",
    "Sign out",
    "Getting started",
    "You are not yet part of a city team or an SME.",
    "Set your language and time zone",
    "Register your business",
    "Apply for a cohort",
    "Register your city",
    "See the cohorts",
]


def visible_text(page):
    """What a reader sees or hears: the text, and the labels kept in attributes."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    attributes = re.findall(r'(?:placeholder|title|aria-label|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def assert_no_english(page, labels):
    text = visible_text(page)
    left = [label for label in labels if label in text]
    assert left == [], f"English left: {left}"


@pytest.fixture
def reading(client):
    def read(language, url, *, user=None):
        if user is not None:
            user.language = language
            user.save(update_fields=["language"])
            client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
        return response.content.decode()

    return read


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("url", "labels"),
    [
        ("/accounts/login/", SIGN_IN),
        ("/accounts/signup/", SIGN_UP),
        ("/accounts/password/reset/", PASSWORD_RESET),
    ],
    ids=["sign-in", "sign-up", "password-reset"],
)
def test_the_account_pages_have_no_english_left(reading, language, url, labels):
    assert_no_english(reading(language, url), labels)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sme_registration_has_no_english_left(reading, language):
    page = reading(language, "/smes/register/", user=UserFactory())

    assert_no_english(page, SME_REGISTRATION)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_challenge_page_has_no_english_left(reading, language):
    challenge = ChallengeFactory()

    assert_no_english(reading(language, challenge.get_absolute_url()), CHALLENGE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_has_no_english_left(reading, language):
    page = reading(language, "/dashboard/", user=UserFactory())

    assert_no_english(page, DASHBOARD)
