"""Anonymous public pages are kept in the cache, yet a visitor never sees one stale after a
change or a deadline, and nothing signed-in or private is ever kept or served from it."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from procurement.models import Challenge
from resilience_portal import versions
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


def _wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.01)


def test_a_change_made_by_another_web_node_is_visible_here_once_its_move_arrives(settings):
    challenge = ChallengeFactory(title="Flood-ready markets")
    path = f"/challenges/{challenge.slug}/"
    Client().get(path)
    _wait_for(lambda: versions._follower.current() is not None)  # no Redis read per request
    # The row changes without this process hearing of it, as when another node changes it.
    Challenge.objects.filter(pk=challenge.pk).update(title="Heat-safe bus stops")
    assert "Flood-ready markets" in Client().get(path).content.decode()
    before = versions.content_version()

    database = connection.settings_dict  # the other node shares this test's database
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from resilience_portal.versions import bump_content_version; bump_content_version()"],
        env={**os.environ, "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
             "DJANGO_SETTINGS_MODULE": "resilience_portal.settings",
             "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)},
        check=True, timeout=120,
    )  # fmt: skip
    _wait_for(lambda: versions.content_version() > before)

    page = Client().get(path).content.decode()
    assert "Heat-safe bus stops" in page
    assert "Flood-ready markets" not in page


def test_a_follower_that_lost_redis_never_serves_a_page_from_before_a_change():
    challenge = ChallengeFactory(title="Flood-ready markets")
    path = f"/challenges/{challenge.slug}/"
    Client().get(path)
    _wait_for(lambda: versions._follower.current() is not None)
    followed = versions._follower.current()
    redis_server = versions._client()
    for connection_ in redis_server.client_list(_type="pubsub"):
        if connection_["name"] == versions.FOLLOWER_NAME:
            redis_server.client_kill_filter(_id=connection_["id"])

    # A change whose move is not published: only a read of the number can learn of it.
    Challenge.objects.filter(pk=challenge.pk).update(title="Heat-safe bus stops")
    cache.incr(versions.VERSION_KEY)
    _wait_for(lambda: versions._follower.current() != followed)  # noticed: none, or re-read

    assert "Heat-safe bus stops" in Client().get(path).content.decode()


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


def _token_on(response):
    return response.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_kept_page_gives_every_visitor_a_new_secret_and_every_response_a_new_mask():
    ChallengeFactory()
    Client().get("/challenges/")
    first, second = Client(), Client()

    pages = [first.get("/challenges/"), first.get("/challenges/"), second.get("/challenges/")]

    tokens = [_token_on(page) for page in pages]
    secrets = {client.cookies[settings.CSRF_COOKIE_NAME].value for client in (first, second)}
    assert len(secrets) == 2
    assert len(set(tokens)) == 3
    assert all(len(token) == 64 and token.isalnum() for token in tokens)
    # The page carries the secret masked, never as it is in the cookie (BREACH).
    assert not any(secret in page.content.decode() for secret in secrets for page in pages)


def test_a_token_that_does_not_match_the_visitors_cookie_is_refused():
    ChallengeFactory()
    Client().get("/challenges/")
    visitor, other = Client(enforce_csrf_checks=True), Client()
    visitor.get("/challenges/")

    someone_elses = _token_on(other.get("/challenges/"))
    refused = visitor.post(
        "/i18n/setlang/", {"language": "id", "next": "/", "csrfmiddlewaretoken": someone_elses}
    )

    assert refused.status_code == 403


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
