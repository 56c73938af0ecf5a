"""Interface language and time zone: chosen once, kept for a signed-in user."""

import pytest
from django.urls import reverse

from resilience_portal.models import User

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


@pytest.mark.parametrize("language", ["xx", "de", "en-gb-abcdefghijk"])
def test_a_language_the_portal_does_not_offer_changes_nothing(signed_in, user, language):
    response = signed_in.post(reverse("set_language"), {"language": language, "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"
    assert signed_in.get("/").headers["Content-Language"] == "en"


def test_the_language_switch_never_redirects_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "th", "next": "https://evil.example.org/"}
    )

    assert response.status_code == 302
    assert response.url == "/"


def test_a_language_picked_before_signing_up_becomes_the_accounts_language(client):
    client.post(reverse("set_language"), {"language": "id", "next": "/"})

    client.post(
        reverse("account_signup"),
        {
            "email": "wayan@example.org",
            "password1": "river-lotus-market-88",
            "password2": "river-lotus-market-88",
        },
    )

    assert User.objects.get(email="wayan@example.org").language == "id"


def test_user_saves_name_language_and_time_zone(signed_in, user):
    response = signed_in.post(
        reverse("preferences"),
        {"full_name": "Siti Rahma", "language": "id", "time_zone": "Asia/Jakarta"},
        follow=True,
    )

    user.refresh_from_db()
    assert (user.full_name, user.language, user.time_zone) == ("Siti Rahma", "id", "Asia/Jakarta")
    assert response.status_code == 200


def test_pages_show_times_in_the_users_time_zone(signed_in, user):
    user.time_zone = "Asia/Ho_Chi_Minh"
    user.save()

    page = signed_in.get(reverse("dashboard")).content.decode()

    assert "Times shown in Asia/Ho_Chi_Minh" in page


def test_a_time_zone_no_longer_known_falls_back_to_utc(signed_in, user):
    User.objects.filter(pk=user.pk).update(time_zone="Mars/Olympus")

    page = signed_in.get(reverse("dashboard")).content.decode()

    assert "Times shown in UTC" in page


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
