"""Resetting a forgotten password from the e-mailed link."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"https?://testserver(/accounts/password/reset/key/[^\s]+/)")


def test_user_resets_a_forgotten_password_from_the_emailed_link(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    link = RESET_LINK.search(mailoutbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": "a-brand-new-passphrase-7", "password2": "a-brand-new-passphrase-7"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase-7")


def test_reset_for_an_unknown_address_looks_the_same_and_changes_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True
        )

    assert response.status_code == 200
    assert "Password Reset" in response.content.decode()
    assert len(mailoutbox) == 1
    assert RESET_LINK.search(mailoutbox[0].body) is None


def test_a_used_or_wrong_reset_link_says_so(client):
    response = client.get("/accounts/password/reset/key/1-not-a-key/", follow=True)

    assert "The password reset link was invalid" in response.content.decode()
