"""The home page explains the programme and is usable on a phone and with a keyboard."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_explains_how_cities_and_smes_take_part(client):
    page = client.get("/").content.decode()

    assert "How it works" in page
    assert "Small businesses" in page
    assert "Cities" in page


def test_home_page_has_a_phone_viewport_skip_link_and_landmarks(client):
    page = client.get("/").content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert "<nav " in page and "<footer" in page
    assert '<label for="language-switch"' in page


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_an_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
