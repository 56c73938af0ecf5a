"""Signing up with an e-mail address and confirming it from the e-mail."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from resilience_portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def sign_up(client, capture, email, password="orange-harbour-lantern-42"):
    with capture(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": password, "password2": password},
            follow=True,
        )


def test_visitor_signs_up_and_is_sent_a_confirmation_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, "Lan.Nguyen@Example.org")

    assert response.status_code == 200
    assert "Verify Your Email Address" in response.content.decode()
    user = User.objects.get()
    assert user.email == "lan.nguyen@example.org"
    assert len(mailoutbox) == 1
    (message,) = mailoutbox
    assert message.to == ["lan.nguyen@example.org"]
    assert CONFIRM_LINK.search(message.body)
    assert "Hello from Resilience Portal!" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://testserver/accounts/confirm-email/' in html


def test_confirmation_link_verifies_the_address_and_then_sign_in_works(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, "lan@example.org")
    link = CONFIRM_LINK.search(mailoutbox[0].body).group(1)

    assert client.get(link).status_code == 200
    client.post(link)

    assert EmailAddress.objects.get(email="lan@example.org").verified
    response = client.post(
        reverse("account_login"),
        {"login": "LAN@example.org", "password": "orange-harbour-lantern-42"},
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_signup_with_an_address_already_used_in_other_letter_case_creates_no_second_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="somchai@example.org")

    response = sign_up(client, django_capture_on_commit_callbacks, "SomChai@Example.ORG")

    # Enumeration stays prevented: the page looks like any signup, the owner is told by e-mail.
    assert response.status_code == 200
    assert "Verify Your Email Address" in response.content.decode()
    assert User.objects.filter(email__iexact="somchai@example.org").count() == 1
    assert len(mailoutbox) == 1
    assert "an account using that email address already exists" in mailoutbox[0].body


def test_weak_password_is_refused_on_the_form_and_the_address_is_kept(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "dewi@example.org", "password1": "password", "password2": "password"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too common." in page
    assert 'value="dewi@example.org"' in page
    assert not User.objects.exists()


def test_mismatched_passwords_are_refused_with_a_message(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "dewi@example.org", "password1": "orange-harbour-1", "password2": "orange-2"},
    )

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_a_wrong_confirmation_link_says_it_is_invalid_and_offers_a_new_one(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")

    assert response.status_code == 200
    assert "This email confirmation link expired or is invalid" in response.content.decode()


def test_an_unconfirmed_account_cannot_sign_in_and_is_reminded_to_confirm(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"),
            {"login": "new@example.org", "password": "orange-harbour-lantern-42"},
            follow=True,
        )

    assert "Verify Your Email Address" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
