"""Signing up with an address that has an account costs what a new sign-up costs, so the
answer's timing does not tell who has an account (counted in work done, not in seconds)."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from resilience_portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "orange-harbour-lantern-42"


class CountingHasher(PBKDF2PasswordHasher):
    """A real PBKDF2 hasher (few iterations, for speed) that counts the passwords it hashes."""

    algorithm = "pbkdf2_sha256_counted"
    iterations = 1000
    hashed: list[str] = []

    def encode(self, password, salt, iterations=None):
        CountingHasher.hashed.append(password)
        return super().encode(password, salt, iterations)


@pytest.fixture(autouse=True)
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = []
    return CountingHasher


def sign_up(client, capture, email):
    """Sign up, and return what the request did: passwords hashed, callbacks deferred."""
    CountingHasher.hashed = []
    with capture(execute=True) as callbacks:
        response = client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        )
    return response, list(CountingHasher.hashed), len(callbacks)


def test_an_existing_address_and_a_new_one_hash_the_password_and_queue_one_mail_alike(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="somchai@example.org")

    existing, existing_hashed, existing_callbacks = sign_up(
        client, django_capture_on_commit_callbacks, "somchai@example.org"
    )
    client.logout()
    new, new_hashed, new_callbacks = sign_up(
        client, django_capture_on_commit_callbacks, "dewi@example.org"
    )

    assert existing_hashed == new_hashed == [PASSWORD]
    # Each path queues its one e-mail through the same after-commit task.
    assert existing_callbacks == new_callbacks == 1
    assert [message.to for message in mailoutbox] == [
        ["somchai@example.org"],
        ["dewi@example.org"],
    ]
    assert existing.status_code == new.status_code == 200
    assert existing.redirect_chain == new.redirect_chain
    assert User.objects.filter(email="somchai@example.org").count() == 1
