"""Demo SMEs load idempotently; the generator makes many searchable SMEs with bulk inserts."""

import pytest
from django.core.management import call_command
from django.db import connection

from smes.models import SME, SMEMembership

pytestmark = pytest.mark.django_db


def test_demo_smes_cover_the_demo_cities_and_states_and_load_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    count = SME.objects.count()
    call_command("seed_demo")
    assert SME.objects.count() == count >= 40
    assert set(SME.objects.values_list("city__slug", flat=True)) >= {
        "semarang",
        "bangkok",
        "da-nang",
    }
    assert set(SME.objects.values_list("verification", flat=True)) == set(SME.Verification.values)
    assert SMEMembership.objects.filter(user__email="sme.semarang@demo.resilience.test").exists()
    assert "sme.bangkok@demo.resilience.test" in capsys.readouterr().out


def test_generator_makes_searchable_smes(capsys):
    call_command("generate_smes", "300")
    call_command("generate_smes", "200")
    assert SME.objects.count() == 500
    assert SME.objects.filter(sectors__isnull=True).count() == 0
    if connection.vendor == "postgresql":
        assert not SME.objects.filter(search_vector__isnull=True).exists()
        assert SME.objects.search("solar").exists()
    assert "Created 200 SMEs" in capsys.readouterr().out
