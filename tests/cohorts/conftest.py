"""Fixtures for the cohorts tests: private files in a temporary folder, and common people."""

import pytest

from tests.factories import CityApplicationFactory, CityMembershipFactory, StaffFactory


@pytest.fixture
def draft(db):
    return CityApplicationFactory()


@pytest.fixture
def official(draft):
    return CityMembershipFactory(city=draft.city).user


@pytest.fixture
def reviewer(db):
    return StaffFactory()
