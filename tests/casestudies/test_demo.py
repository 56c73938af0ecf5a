"""`seed_demo` publishes case studies for the demo cities, one with a Thai translation."""

import pytest
from django.core.management import call_command

from casestudies.models import CaseStudy

pytestmark = pytest.mark.django_db


def test_seed_demo_publishes_case_studies_once_and_says_who_sees_what(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    published = CaseStudy.objects.listed()
    assert published.count() == 3
    assert published.filter(translations__language="th").count() == 1
    assert CaseStudy.objects.filter(status=CaseStudy.Status.IN_REVIEW).count() == 1
    for case_study in published:
        assert case_study.reviewer is not None
        assert not case_study.authors.filter(pk=case_study.reviewer.pk).exists()
    out = capsys.readouterr().out
    assert "editor@demo.resilience.test" in out
    assert "/case-studies/" in out
