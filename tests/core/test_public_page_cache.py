"""Anonymous public pages are kept in the cache, yet a visitor never sees one stale after a
change or a deadline, and nothing signed-in or private is ever kept or served from it."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import ChallengeFactory, UserFactory, official_of

pytestmark = pytest.mark.django_db


def test_a_public_page_is_served_again_without_the_database(client, django_assert_num_queries):
    challenge = ChallengeFactory(title="Flood-ready markets")
    client.get("/challenges/")

    with django_assert_num_queries(0):
        again = Client().get("/challenges/")

    assert challenge.title in again.content.decode()


def test_a_change_is_visible_on_the_next_request(client):
    challenge = ChallengeFactory(title="Flood-ready markets")
    assert "Flood-ready markets" in client.get(f"/challenges/{challenge.slug}/").content.decode()

    challenge.title = "Heat-safe bus stops"
    challenge.save()

    page = Client().get(f"/challenges/{challenge.slug}/").content.decode()
    assert "Heat-safe bus stops" in page
    assert "Flood-ready markets" not in page


def test_a_passed_deadline_is_visible_on_the_next_request(django_assert_num_queries):
    soon = timezone.now() + timedelta(seconds=3)
    challenge = ChallengeFactory(
        questions_close=soon - timedelta(seconds=1), submissions_close=soon
    )
    path = f"/challenges/{challenge.slug}/"
    assert "Open" in Client().get(path).content.decode()
    with django_assert_num_queries(0):
        Client().get(path)  # kept until the deadline

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)

    page = Client().get(path).content.decode()
    assert "Closed" in page


def test_each_language_has_its_own_page(client):
    ChallengeFactory()
    assert 'lang="en"' in client.get("/challenges/").content.decode()

    thai = Client(headers={"accept-language": "th"})

    assert 'lang="th"' in thai.get("/challenges/").content.decode()


def test_a_signed_in_user_never_gets_a_kept_page(client, django_assert_max_num_queries):
    ChallengeFactory()
    Client().get("/challenges/")  # kept for anonymous visitors
    client.force_login(UserFactory())

    response = client.get("/challenges/")

    assert "Sign out" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_page_rendered_for_a_signed_in_user_is_never_kept(client):
    ChallengeFactory()
    client.force_login(UserFactory())
    client.get("/challenges/")

    page = Client().get("/challenges/").content.decode()

    assert "Sign out" not in page
    assert "Sign in" in page


def test_a_private_draft_seen_by_its_official_is_never_served_to_a_visitor(client):
    draft = ChallengeFactory(status="draft")
    client.force_login(official_of(draft.city))
    assert client.get(f"/challenges/{draft.slug}/").status_code == 200

    assert Client().get(f"/challenges/{draft.slug}/").status_code == 404


def test_each_visitor_gets_their_own_csrf_token_on_a_kept_page():
    ChallengeFactory()
    Client().get("/challenges/")
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.get("/challenges/")
    token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    switched = visitor.post(
        "/i18n/setlang/", {"language": "id", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert switched.status_code == 302


def test_a_message_for_one_visitor_is_not_kept_for_the_next(client):
    user = UserFactory()
    client.force_login(user)
    signed_out = client.post("/accounts/logout/", follow=True)
    assert "You have signed out." in signed_out.content.decode()

    assert "You have signed out." not in Client().get("/").content.decode()


def test_a_kept_page_carries_the_headers_of_a_rendered_one():
    ChallengeFactory()
    rendered = Client().get("/challenges/")
    kept = Client().get("/challenges/")

    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Content-Language",
        "Vary",
        "Content-Type",
    ):
        assert kept[header] == rendered[header], header
    assert kept["X-Request-ID"] != rendered["X-Request-ID"]
    assert int(kept["Content-Length"]) == len(kept.content)


def test_a_visitor_with_a_csrf_cookie_keeps_it_on_a_kept_page():
    ChallengeFactory()
    Client().get("/challenges/")
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get("/")  # a page rendered afresh gives the visitor a cookie
    cookie = first.cookies[settings.CSRF_COOKIE_NAME].value

    kept = visitor.get("/challenges/")
    token = kept.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    switched = visitor.post(
        "/i18n/setlang/", {"language": "th", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert visitor.cookies[settings.CSRF_COOKIE_NAME].value == cookie
    assert switched.status_code == 302


def test_plain_http_is_still_sent_to_https_for_a_kept_page(settings):
    ChallengeFactory()
    Client().get("/challenges/", secure=True)
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/challenges/")

    assert response.status_code == 301
    assert response["Location"].startswith("https://")
