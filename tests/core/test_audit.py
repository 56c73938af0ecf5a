"""The audit trail records who changed what, and when."""

import pytest

from resilience_portal import audit
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def test_entries_are_recorded_per_object_newest_first(staff):
    city, other = CityFactory(), CityFactory()
    audit.record(city, "created", actor=staff)
    audit.record(city, "renamed", actor=staff, message="Typo", old="Smarang")
    audit.record(other, "created", actor=staff)

    entries = list(audit.trail(city))

    assert [entry.action for entry in entries] == ["renamed", "created"]
    assert entries[0].actor == staff
    assert entries[0].details == {"old": "Smarang"}
