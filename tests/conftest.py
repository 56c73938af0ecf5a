"""Fixtures shared by the whole suite."""

import uuid

import pytest
from django.contrib.auth.models import Group

from procurement.models import Sector
from procurement.sectors import SectorCode
from resilience_portal.permissions import PROGRAMME_STAFF_GROUP
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


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files of a test land in its own folders, never in the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _rows_from_data_migrations(request):
    """Transactional tests flush every table, data-migration rows included: put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("live_server", "transactional_db")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    for code, _label in SectorCode.CHOICES:
        Sector.objects.get_or_create(code=code)
