"""An e-mail address longer than the database's 254 characters is a form error, never a 500
or an address silently cut short."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from resilience_portal.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "orange-harbour-lantern-42"


def address(length):
    domain = "@example.org"
    return "a" * (length - len(domain)) + domain


def test_sign_up_refuses_an_address_longer_than_254_characters_on_the_form(client, mailoutbox):
    too_long = address(260)

    response = client.post(
        reverse("account_signup"),
        {"email": too_long, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "at most 254 characters (this one has 260)" in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_sign_up_accepts_an_address_of_exactly_254_characters(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    longest = address(254)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": longest, "password1": PASSWORD, "password2": PASSWORD},
        )

    assert User.objects.get().email == longest
    assert mailoutbox[0].to == [longest]


def test_adding_an_address_longer_than_254_characters_is_a_form_error(signed_in, user):
    response = signed_in.post(reverse("account_email"), {"action_add": "", "email": address(260)})

    assert response.status_code == 200
    assert "at most 254 characters (this one has 260)" in response.content.decode()
    assert not EmailAddress.objects.filter(email=address(260)).exists()


def test_adding_an_address_of_254_characters_works(
    signed_in, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("account_email"), {"action_add": "", "email": address(254)}
        )

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email=address(254)).exists()
