"""Input the database cannot hold or that would mislead readers is refused or cleaned by the
shared form fields, before it reaches a query."""

import os
import subprocess
import sys

import pytest
from django import forms
from django.urls import reverse

from resilience_portal.forms import ModelMultipleIdChoiceField
from resilience_portal.text import BIDI_CONTROLS, NameField, without_bidi_controls
from smes.models import Sector

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999"


def sectors_field():
    return ModelMultipleIdChoiceField(queryset=Sector.objects.all())


@pytest.mark.parametrize("value", [HUGE_ID, "-99999999999999999999", "9223372036854775808"])
def test_an_id_past_the_column_range_is_refused_before_any_query(value, django_assert_num_queries):
    water = str(Sector.objects.get(code="water").pk)
    # SQLite cannot bind such an integer at all (OverflowError): it must never reach a query.
    with django_assert_num_queries(0), pytest.raises(forms.ValidationError) as refusal:
        sectors_field().clean([water, value])

    assert refusal.value.code == "invalid_choice"


def test_ids_in_range_are_still_chosen_and_unknown_ones_refused():
    water, digital = Sector.objects.filter(code__in=["water", "digital"])

    assert set(sectors_field().clean([str(water.pk), str(digital.pk)])) == {water, digital}
    with pytest.raises(forms.ValidationError):
        sectors_field().clean(["9223372036854775807"])
    with pytest.raises(forms.ValidationError):
        sectors_field().clean(["junk"])


def test_every_bidirectional_control_is_removed_from_a_name():
    controls = "".join(sorted(BIDI_CONTROLS))
    assert without_bidi_controls(f"Fake{controls}ville") == "Fakeville"
    assert NameField().clean("  \u202eelliveKaF\u202c ") == "elliveKaF"


def test_a_name_of_only_controls_is_blank_and_refused_when_required():
    with pytest.raises(forms.ValidationError):
        NameField().clean("\u202e\u2066")


def test_a_name_in_other_scripts_is_kept_as_typed():
    assert NameField().clean("กรุงเทพมหานคร · Thành phố Hồ Chí Minh") == (
        "กรุงเทพมหานคร · Thành phố Hồ Chí Minh"
    )


def test_a_full_name_loses_its_direction_overrides_in_preferences(signed_in, user):
    signed_in.post(
        reverse("preferences"),
        {"full_name": "Siti \u202eahmaR", "language": "en", "time_zone": "UTC"},
    )

    user.refresh_from_db()
    assert user.full_name == "Siti ahmaR"


SQLITE_CHECK = f"""
import django
django.setup()
from django.db import connection
from procurement.forms.challenge import ChallengeForm
from smes.forms import SMEProfileForm, SMERegistrationForm
from smes.models import Sector
with connection.schema_editor() as editor:
    editor.create_model(Sector)
for form in (ChallengeForm, SMERegistrationForm, SMEProfileForm):
    try:
        form.base_fields["sectors"].clean(["{HUGE_ID}"])
    except django.forms.ValidationError as refusal:
        print(form.__name__, refusal.code)
"""


def test_on_sqlite_an_out_of_range_sector_is_a_form_error_on_each_form_not_an_overflow():
    """SQLite (the ``make run`` database) is where the id used to overflow: ask it for real,
    in a process of its own, since this suite's connection is PostgreSQL."""
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_CHECK],
        env={**os.environ, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "ChallengeForm", "invalid_choice",
        "SMERegistrationForm", "invalid_choice",
        "SMEProfileForm", "invalid_choice",
    ]  # fmt: skip
