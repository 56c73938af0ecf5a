"""The demo programme holds a fully evaluated challenge, loaded once however often it runs."""

import pytest
from django.core.management import call_command

from procurement.models import (
    Award,
    ConflictDeclaration,
    ConsensusScore,
    PanelSeat,
    StandstillQuestion,
)

pytestmark = pytest.mark.django_db


def test_demo_has_a_panel_a_conflict_moderation_an_award_and_an_answered_question(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    award = Award.objects.get(challenge__slug="tambak-lorok-drainage")
    assert award.sme.slug == "banjir-tech"
    assert PanelSeat.objects.filter(challenge=award.challenge).count() == 3
    assert ConflictDeclaration.objects.filter(conflicted=True, sme__slug="kali-bersih").count() == 1
    assert ConsensusScore.objects.exclude(reason="").exists()
    assert StandstillQuestion.objects.get().is_answered
    assert "evaluator.chair@demo.resilience.test" in output
    assert "evaluator.expert@demo.resilience.test" in output
    assert "/challenges/tambak-lorok-drainage/debrief/" in output
