"""The demo's evaluated challenge has a running pilot with readings and one late milestone,
loaded once however often seed_demo runs, and its OCDS export validates."""

import pytest
from django.core.management import call_command

from procurement.models import KPIReading, Pilot

from .ocds_validation import schema_errors

pytestmark = pytest.mark.django_db


def test_demo_has_a_running_pilot_with_readings_and_one_late_milestone(settings, capsys, client):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    pilot = Pilot.objects.get(challenge__slug="tambak-lorok-drainage")
    assert pilot.is_running
    assert KPIReading.objects.filter(kpi__pilot=pilot).count() == 9
    today = pilot.today()
    assert [m.title for m in pilot.milestones.all() if m.is_late(today)] == [
        "Alerts reach every household"
    ]
    assert "/challenges/tambak-lorok-drainage/pilot/" in output
    assert "/challenges/tambak-lorok-drainage/pilot/report/" in output
    page = client.get(pilot.get_absolute_url()).content.decode()
    assert "1 milestone is late." in page
    body = client.get("/ocds/releases.json").json()
    assert schema_errors(body) == []
    assert any(r["tag"] == ["implementation"] for r in body["releases"])
