"""Demo SMEs load idempotently; the generator makes many searchable SMEs with bulk inserts."""

import pytest
from django.core.management import call_command
from django.db import connection

from smes.management.commands import generate_smes
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


def stored_vectors():
    return dict(SME.objects.values_list("pk", "search_vector"))


def test_generated_search_vectors_are_the_ones_a_save_stores(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("search vectors are PostgreSQL's")
    call_command("generate_smes", "50")
    generated = stored_vectors()
    for sme in SME.objects.all():
        sme.save()
    assert stored_vectors() == generated


def schema(tables):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])",
            [tables],
        )
        constraints = set(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
        )
        return constraints, set(cursor.fetchall())


def test_a_large_load_builds_the_indexes_and_constraints_again_as_they_were(monkeypatch, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the indexes are set aside on PostgreSQL only")
    tables = [SME._meta.db_table, SME.sectors.through._meta.db_table]
    before = schema(tables)
    monkeypatch.setattr(generate_smes, "REBUILD_FROM", 100)
    call_command("generate_smes", "300")
    assert schema(tables) == before
    assert SME.objects.count() == 300
    assert SME.objects.filter(sectors__isnull=True).count() == 0
    generated = stored_vectors()
    for sme in SME.objects.all()[:20]:
        sme.save()
        assert stored_vectors()[sme.pk] == generated[sme.pk]
