"""Interface language and time zone: chosen once, kept for a signed-in user."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_switching_language_translates_the_navigation(client):
    response = client.post(reverse("set_language"), {"language": "th", "next": "/"}, follow=True)

    assert "แดชบอร์ด" not in response.content.decode()  # anonymous: no dashboard link
    assert "เข้าสู่ระบบ" in response.content.decode()  # "Sign in"
    assert response.headers["Content-Language"] == "th"


def test_a_signed_in_users_language_choice_is_kept_on_the_account(signed_in, user, client):
    signed_in.post(reverse("set_language"), {"language": "vi", "next": "/"})

    user.refresh_from_db()
    assert user.language == "vi"
    client.cookies.clear()
    client.force_login(user)
    assert client.get("/").headers["Content-Language"] == "vi"


def test_an_unknown_language_changes_nothing(signed_in, user):
    signed_in.post(reverse("set_language"), {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "en"


def test_user_saves_name_language_and_time_zone(signed_in, user):
    response = signed_in.post(
        reverse("preferences"),
        {"full_name": "Siti Rahma", "language": "id", "time_zone": "Asia/Jakarta"},
        follow=True,
    )

    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == ("Siti Rahma", "id", "Asia/Jakarta")
    assert "Asia/Jakarta" in response.content.decode()


def test_an_unknown_time_zone_is_refused_on_the_form(signed_in, user):
    response = signed_in.post(
        reverse("preferences"),
        {"full_name": "Siti", "language": "en", "time_zone": "Mars/Olympus"},
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_preferences_need_sign_in(client):
    response = client.get(reverse("preferences"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
