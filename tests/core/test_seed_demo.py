"""`seed_demo` loads the demo programme, again and again without duplicates."""

import pytest
from django.core.management import CommandError, call_command

from cohorts.models import City, CityMembership
from resilience_portal.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_prints_the_logins(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    counts = (User.objects.count(), City.objects.count(), CityMembership.objects.count())
    call_command("seed_demo")

    assert (User.objects.count(), City.objects.count(), CityMembership.objects.count()) == counts
    assert "staff@demo.resilience.test" in capsys.readouterr().out


def test_seed_demo_refuses_to_run_in_production_unless_asked(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
