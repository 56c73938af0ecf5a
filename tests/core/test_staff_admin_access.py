"""The staff dashboard's link to the administration site opens on records staff may view."""

import pytest
from django.urls import reverse

from tests.factories import ChallengeFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_programme_staff_follow_the_dashboard_link_to_records_they_can_view(client):
    client.force_login(StaffFactory())
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("admin:index") in dashboard
    index = client.get(reverse("admin:index")).content.decode()
    assert "have permission to view or edit anything" not in index
    assert reverse("admin:procurement_challenge_changelist") in index
    challenge = ChallengeFactory(title="Shade for bus stops")
    listing = client.get(reverse("admin:procurement_challenge_changelist")).content.decode()
    assert "Shade for bus stops" in listing
    change = reverse("admin:procurement_challenge_change", args=[challenge.pk])
    assert client.post(change, {"title": "Renamed"}).status_code == 403


def test_staff_outside_the_programme_group_get_no_admin_records(client):
    client.force_login(UserFactory(is_staff=True))
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:procurement_challenge_changelist") not in index
