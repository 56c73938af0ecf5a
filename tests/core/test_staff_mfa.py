"""Staff and superusers sign in with a second factor: an authenticator app, or a recovery code."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    StaffFactory,
    UserFactory,
    recovery_codes,
    totp_code,
)

pytestmark = pytest.mark.django_db

SETUP = reverse("mfa_activate_totp")


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def open_setup(client, user):
    """Sign in and open the setup page; adding a factor asks for the password once more."""
    sign_in_with_password(client, user)
    asked = client.get(SETUP)
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(asked["Location"], {"password": PASSWORD}, follow=True)
    return response.context["form"].secret


@pytest.mark.parametrize("path", ["/dashboard/", "/cohorts/new/", "/smes/export.csv", "/admin/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, path):
    client.force_login(StaffFactory(second_factor=False))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_the_setup_page_says_why(client):
    client.force_login(StaffFactory(second_factor=False))

    response = client.get("/dashboard/", follow=True)

    assert "Staff accounts need a second factor" in response.text


def test_a_superuser_without_an_authenticator_is_sent_from_the_admin_to_set_one_up(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, second_factor=False))

    response = client.get("/admin/")

    assert response["Location"] == SETUP


def test_staff_with_an_authenticator_open_staff_pages_and_the_admin(client):
    client.force_login(StaffFactory())

    assert client.get("/cohorts/new/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_user_without_a_staff_role_is_not_asked_for_a_second_factor(client, user):
    client.force_login(user)

    assert client.get("/dashboard/").status_code == 200


def test_account_pages_and_sign_out_stay_open_to_staff_without_an_authenticator(client):
    client.force_login(StaffFactory(second_factor=False))

    assert client.get(reverse("account_email")).status_code == 200
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_an_authenticator_app_opens_the_staff_pages(client):
    staff = StaffFactory(second_factor=False)
    secret = open_setup(client, staff)

    response = client.post(SETUP, {"code": totp_code(secret)})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert len(recovery_codes(staff)) == 10
    assert client.get("/cohorts/new/").status_code == 200


def test_a_wrong_code_does_not_set_up_the_authenticator_app(client):
    staff = StaffFactory(second_factor=False)
    secret = open_setup(client, staff)

    response = client.post(SETUP, {"code": str((int(totp_code(secret)) + 1) % 1_000_000)})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=staff).exists()
    assert client.get("/cohorts/new/")["Location"] == SETUP


def test_signing_in_as_staff_asks_for_a_code(client):
    staff = StaffFactory()

    response = sign_in_with_password(client, staff)

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_staff_sign_in_with_a_code_from_their_app(client):
    staff = StaffFactory()
    sign_in_with_password(client, staff)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/cohorts/new/").status_code == 200


def test_staff_sign_in_with_a_recovery_code_once(client):
    staff = StaffFactory()
    code = recovery_codes(staff)[0]
    sign_in_with_password(client, staff)

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert client.session["_auth_user_id"] == str(staff.pk)
    assert code not in recovery_codes(staff)


def test_a_wrong_code_is_refused_at_sign_in(client):
    staff = StaffFactory()
    sign_in_with_password(client, staff)

    response = client.post(
        reverse("mfa_authenticate"), {"code": str((int(totp_code()) + 1) % 1_000_000)}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/cohorts/new/").status_code == 302


def test_demo_staff_sign_in_with_the_printed_secret(client, settings, capsys):
    from django.core.management import call_command

    from resilience_portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    settings.DEBUG = True
    call_command("seed_demo")
    printed = capsys.readouterr().out
    client.post(
        reverse("account_login"),
        {"login": "staff@demo.resilience.test", "password": DEMO_PASSWORD},
    )

    client.post(reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)})

    assert DEMO_TOTP_SECRET in printed
    assert "recovery codes:" in printed
    assert client.get("/cohorts/new/").status_code == 200


def test_preferences_lead_to_the_second_factor_and_recovery_codes(client):
    client.force_login(StaffFactory())

    response = client.get(reverse("preferences"))

    assert reverse("mfa_index") in response.text
    assert client.get(reverse("mfa_index")).status_code == 200
