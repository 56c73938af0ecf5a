"""The page chrome is rendered once per language, signed-in state and time zone, yet every
page carries its own CSRF token and the address the language switch returns to."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
RETURN_TO = re.compile(r'name="next" value="([^"]*)"')


def page(client, path):
    return client.get(path).content.decode()


def signed_in_as(**user_fields):
    client = Client()
    client.force_login(UserFactory(**user_fields))
    return client


def test_each_page_returns_the_language_switch_to_itself():
    client = signed_in_as()

    first = page(client, "/about/")
    second = page(client, "/challenges/?status=published&q=flood")

    assert RETURN_TO.search(first).group(1) == "/about/"
    assert RETURN_TO.search(second).group(1) == "/challenges/?status=published&amp;q=flood"


def test_each_visitor_gets_a_token_that_works_for_them():
    for user in (UserFactory(), UserFactory()):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        token = TOKEN.search(page(client, "/about/")).group(1)

        switched = client.post(
            "/i18n/setlang/", {"language": "vi", "next": "/about/", "csrfmiddlewaretoken": token}
        )

        assert switched.status_code == 302
        user.refresh_from_db()
        assert user.language == "vi"
    assert "\x00" not in page(client, "/about/")


def test_the_chrome_follows_the_language_and_the_signed_in_state():
    thai = signed_in_as(language="th")
    english = signed_in_as(language="en")

    assert "ออกจากระบบ" in page(thai, "/about/")
    english_page = page(english, "/about/")
    assert "Sign out" in english_page and "ออกจากระบบ" not in english_page
    visitor = page(Client(), "/about/")
    assert "Sign in" in visitor and "Sign out" not in visitor


def test_the_footer_names_each_users_own_time_zone():
    bangkok = signed_in_as(time_zone="Asia/Bangkok")
    manila = signed_in_as(time_zone="Asia/Manila")

    assert "Times shown in Asia/Bangkok" in page(bangkok, "/about/")
    assert "Times shown in Asia/Manila" in page(manila, "/about/")


def test_the_cookie_language_chooses_the_chrome_for_visitors():
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"

    assert 'lang="id"' in page(visitor, "/about/")
    assert "Masuk" in page(visitor, "/about/")
