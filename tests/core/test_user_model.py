"""One account per e-mail address, whatever its letter case."""

import pytest
from django.db import IntegrityError

from resilience_portal.models import User

pytestmark = pytest.mark.django_db


def test_addresses_are_stored_in_lower_case():
    user = User.objects.create_user("Mai.Tran@Example.ORG", "pw-long-enough-1")

    assert user.email == "mai.tran@example.org"


def test_the_database_refuses_a_second_account_for_the_same_address():
    User.objects.create_user("mai@example.org", "pw-long-enough-1")

    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="MAI@example.org")])


def test_user_is_found_by_address_in_any_case():
    User.objects.create_user("mai@example.org", "pw-long-enough-1")

    assert User.objects.get_by_natural_key("MAI@EXAMPLE.org").email == "mai@example.org"
