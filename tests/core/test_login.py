"""Signing in and out, and the rate limit on failed logins."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_signs_in_with_their_address_in_any_letter_case(client, user, password):
    response = client.post(
        reverse("account_login"), {"login": user.email.upper(), "password": password}
    )

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_wrong_password_is_refused_with_a_message(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_user_signs_out(signed_in):
    response = signed_in.post(reverse("account_logout"))

    assert response.status_code == 302
    assert signed_in.get(reverse("dashboard")).status_code == 302


def test_a_fast_series_of_failed_logins_is_stopped_with_a_clear_message(client, user, password):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_admin_sign_in_goes_through_the_rate_limited_portal_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
