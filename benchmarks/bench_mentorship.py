"""Mentorship: the cohort-wide matcher (200 mentees, 60 mentors) and the public calendar feed (1,000 sessions).

The matcher runs on profiles built in memory with a fixed random seed, so its total fit is
comparable between runs; beside it, a greedy pass (each mentee in turn takes the best
mentor with a place left) shows what solving the assignment gains. The feed's sessions are
made once with bulk_create and kept.
"""

import random
import statistics
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .timing import measure, report

MENTEES = 200
MENTORS = 60
SESSIONS = 1_000
ZONES = [
    "Asia/Jakarta",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Manila",
    "Asia/Kolkata",
    "Pacific/Auckland",
]


def _profiles():
    from mentorship import matching
    from mentorship.models import MentorProfile
    from mentorship.taxonomy import Language, Topic

    rng = random.Random(2026)
    topics, languages = list(Topic.values), list(Language.values)
    mentors = [
        MentorProfile(
            pk=n + 1,
            expertise=rng.sample(topics, rng.randint(1, 3)),
            languages=["en", *rng.sample(languages, 1)],
            time_zone=rng.choice(ZONES),
            capacity=rng.randint(1, 5),
        )
        for n in range(MENTORS)
    ]
    candidates = [
        matching.Candidate(n, rng.sample(topics, rng.randint(1, 3)), rng.sample(languages, rng.randint(1, 2)), rng.choice(ZONES))
        for n in range(MENTEES)
    ]  # fmt: skip
    return candidates, [(mentor, mentor.capacity) for mentor in mentors]


def _greedy_total(candidates, mentors, at):
    from mentorship import matching

    room = {mentor.pk: capacity for mentor, capacity in mentors}
    total = 0.0
    for candidate in candidates:
        options = [
            (matching.fit(m, needs=candidate.needs, languages=candidate.languages, time_zone=candidate.time_zone, at=at).score, m.pk)
            for m, _c in mentors
            if room[m.pk] > 0
        ]  # fmt: skip
        if options:
            score, pk = max(options)
            room[pk] -= 1
            total += score
    return total


def bench_matcher():
    from mentorship import matching

    candidates, mentors = _profiles()
    at = timezone.now()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        pairs = matching.assign(candidates, mentors, at=at)
        samples.append((time.perf_counter() - start) * 1000)
    total = sum(fit.score for _c, _m, fit in pairs)
    slots = sum(capacity for _m, capacity in mentors)
    print(
        f"   matcher {MENTEES} mentees x {MENTORS} mentors ({slots} places)   "
        f"median {statistics.median(samples):7.1f} ms   placed {len(pairs)}   "
        f"total fit {total:.1f} (greedy {_greedy_total(candidates, mentors, at):.1f})"
    )


def ensure_sessions():
    from cohorts.models import Cohort
    from mentorship.models import LearningSession

    if LearningSession.objects.filter(title__startswith="Bench session ").count() >= SESSIONS:
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        cohort, _ = Cohort.objects.get_or_create(
            slug="bench-cohort",
            defaults={"name": "Bench cohort", "year": 2026, "status": "running"},
        )
        LearningSession.objects.bulk_create(
            LearningSession(
                cohort=cohort, title=f"Bench session {n}", topic="procurement_design",
                description="Peer learning with **Markdown**.\n\n" * 3, language="en",
                starts_at=now + timedelta(hours=6 * n), ends_at=now + timedelta(hours=6 * n + 1),
                time_zone="Asia/Bangkok", online_link="https://meet.example.org/bench", capacity=30,
            )
            for n in range(SESSIONS)
        )  # fmt: skip


def bench_feed_build():
    """The feed's file built afresh: what the first request after a session changes pays."""
    from mentorship import calendars
    from mentorship.models import LearningSession

    sessions = LearningSession.objects.filter(ends_at__gt=timezone.now() - timedelta(days=90))
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        calendars.calendar(sessions, name="bench")
        samples.append((time.perf_counter() - start) * 1000)
    label = f"calendar.ics built ({sessions.count():,} events)"
    print(f"   {label:<40} median {statistics.median(samples):7.1f} ms")


def run():
    bench_matcher()
    ensure_sessions()
    bench_feed_build()
    report("GET /sessions/calendar.ics, cached", measure("/sessions/calendar.ics", repeat=20))
    report("GET /sessions/", measure("/sessions/", repeat=20))
