"""`seed_demo` loads peer learning and mentoring, again and again without duplicates."""

import pytest
from django.core.management import call_command

from mentorship.models import (
    Feedback,
    LearningSession,
    MatchingRound,
    Mentorship,
    ProposedPair,
    Registration,
)

pytestmark = pytest.mark.django_db


def counts():
    return (
        LearningSession.objects.count(),
        Registration.objects.count(),
        Mentorship.objects.count(),
        ProposedPair.objects.count(),
    )


def test_seed_demo_loads_sessions_and_mentoring_idempotently(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert LearningSession.objects.past().exists() and LearningSession.objects.upcoming().exists()
    assert Registration.objects.waitlisted().exists()
    assert Registration.objects.filter(attended=True).exists() and Feedback.objects.exists()
    statuses = set(Mentorship.objects.values_list("status", flat=True))
    assert {"active", "completed", "proposed"} <= statuses
    assert MatchingRound.objects.get().status == MatchingRound.Status.PROPOSED
    assert ProposedPair.objects.count() == 2
    out = capsys.readouterr().out
    assert "mentor.finance@demo.resilience.test" in out
    assert "on a session's waitlist" in out
