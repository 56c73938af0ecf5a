"""Fixtures shared by the whole suite."""

import uuid

import pytest

from tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test gets fresh rate-limit counters without flushing the shared Redis."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client
